import Testing

@testable import BastionSecurity

struct AuditSyslogMessageTests {
    private let header = AuditSyslogMessage.Header(facility: .authpriv, hostname: "host", processID: 42)
    private let stamp = "2026-11-25T14:03:11.123456Z"

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aRecordIsAnRFC5424MessageWithStructuredDataAndTheJSON() {
        let message = AuditSyslogMessage.record(
            json: Array(#"{"event":"request","seq":7}"#.utf8),
            timestamp: stamp,
            sequence: 7,
            hash: "ab12",
            fields: AuditSyslogFields(event: "request", client: "claude", decision: "allow"),
            header: header,
            limit: 8192
        )
        #expect(
            text(message)
                == #"<85>1 2026-11-25T14:03:11.123456Z host bastion 42 audit [bastion@32473 seq="7" hash="ab12" "#
                + #"client="claude" event="request" decision="allow"] {"event":"request","seq":7}"#
        )
    }

    @Test func absentFieldsAreLeftOutAndTheFacilitySetsThePriority() {
        let local = AuditSyslogMessage.Header(facility: .local3, hostname: "h", processID: 1)
        let message = AuditSyslogMessage.record(
            json: Array("{}".utf8),
            timestamp: stamp,
            sequence: 1,
            hash: "h",
            fields: AuditSyslogFields(event: "start"),
            header: local,
            limit: 8192
        )
        // local3 = 19, notice = 5: 19 * 8 + 5 = 157.
        #expect(
            text(message)
                == #"<157>1 2026-11-25T14:03:11.123456Z h bastion 1 audit [bastion@32473 seq="1" hash="h" event="start"] {}"#
        )
    }

    @Test func parameterValuesEscapeQuoteBackslashAndBracketAndAreCut() {
        var bytes: [UInt8] = []
        AuditSyslogMessage.appendEscaped(#"a"b\c]d"#, to: &bytes)
        #expect(text(bytes) == #"a\"b\\c\]d"#)
        bytes = []
        AuditSyslogMessage.appendEscaped(String(repeating: "é", count: 200), to: &bytes)
        #expect(bytes.count == AuditSyslogMessage.maxParamBytes)
        #expect(text(bytes) == String(repeating: "é", count: 128))
    }

    @Test func anOversizedMessageCutsTheJSONAndSaysSo() {
        let json = Array(("{\"p\":\"" + String(repeating: "€", count: 4000) + "\"}").utf8)
        let message = AuditSyslogMessage.record(
            json: json,
            timestamp: stamp,
            sequence: 3,
            hash: "h",
            fields: AuditSyslogFields(event: "request"),
            header: header,
            limit: 8192
        )
        #expect(message.count <= 8192 && message.count > 8180)
        #expect(text(message).contains(#" truncated="\#(json.count)"] {"p":"€€"#))
        #expect(String(validating: message, as: UTF8.self) != nil)
    }

    @Test func theHeadMessageCarriesSeqHashAndDrops() {
        let head = AuditChainHead(sequence: 9, hash: String(repeating: "c", count: 64))
        let message = AuditSyslogMessage.head(head, dropped: 2, timestamp: stamp, header: header)
        let hash = String(repeating: "c", count: 64)
        #expect(
            text(message)
                == #"<86>1 2026-11-25T14:03:11.123456Z host bastion 42 audit-head [bastion@32473 seq="9" hash="\#(hash)" dropped="2"] {"hash":"\#(hash)","seq":9}"#
        )
    }

    @Test func tcpFramingCountsOctets() {
        #expect(text(AuditSyslogMessage.octetCounted(Array("<85>1 é".utf8))) == "8 <85>1 é")
    }

    @Test func theHostnameKeepsPrintableASCIIOnly() {
        #expect(
            AuditSyslogMessage.Header(facility: .auth, hostname: "my host\u{7F}", processID: 1).hostname == "myhost"
        )
        #expect(AuditSyslogMessage.Header(facility: .auth, hostname: "", processID: 1).hostname == "-")
    }
}
