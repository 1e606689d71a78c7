/// Builds the RFC 5424 messages the audit log sends to syslog.
///
/// A record becomes
/// `<PRI>1 TIMESTAMP HOSTNAME bastion PID audit [bastion@32473 seq="…" hash="…" client="…" event="…" decision="…"] JSON`:
/// severity notice, the record's own `ts` as TIMESTAMP, and the record's JSON line as MSG (without
/// a BOM: RFC 5424 §6.4 allows any MSG, and the JSON is UTF-8). The chain head goes out as MSGID
/// `audit-head`, severity info, with `seq`, `hash` and `dropped` (messages dropped since start
/// because the sender could not keep up). SD-PARAM values escape `"`, `\` and `]` (§6.3.3) and are
/// cut to ``maxParamBytes``. When a message exceeds its limit (datagrams: ``maxDatagramBytes``),
/// the JSON is cut and the SD-ELEMENT says `truncated="<full JSON length>"`.
/// `32473` is IANA's example private enterprise number (RFC 5612), as RFC 5424 §7.2.2 suggests for
/// SD-IDs without a registered number.
package enum AuditSyslogMessage {
    /// The SD-ID of Bastion's structured data.
    package static let structuredDataID = "bastion@32473"
    /// The largest datagram sent (UDP, unix socket).
    package static let maxDatagramBytes = 8192
    /// The largest TCP message.
    package static let maxStreamBytes = 65536
    /// The longest SD-PARAM value, in bytes (before escaping).
    package static let maxParamBytes = 256

    /// RFC 5424 severities used.
    package enum Severity: Int {
        case notice = 5
        case info = 6
    }

    /// The header of every message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID `.
    package struct Header: Sendable {
        var facility: AuditSyslogFacility
        var hostname: String
        var processID: Int32

        package init(facility: AuditSyslogFacility, hostname: String, processID: Int32) {
            self.facility = facility
            self.hostname = Self.printable(hostname, maxBytes: 255)
            self.processID = processID
        }

        func append(severity: Severity, timestamp: String, messageID: String, to bytes: inout [UInt8]) {
            bytes.append(contentsOf: "<\(facility.code * 8 + severity.rawValue)>1 ".utf8)
            bytes.append(contentsOf: (timestamp.isEmpty ? "-" : timestamp).utf8)
            bytes.append(contentsOf: " \(hostname) bastion \(processID) \(messageID) ".utf8)
        }

        /// PRINTUSASCII only (RFC 5424 §6), `-` when nothing is left.
        static func printable(_ text: String, maxBytes: Int) -> String {
            let bytes = text.utf8.filter { $0 >= 33 && $0 <= 126 }.prefix(maxBytes)
            return bytes.isEmpty ? "-" : String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The message for one record.
    ///
    /// - Parameters:
    ///   - json: The record's JSON line, without line feed.
    ///   - timestamp: The record's `ts`.
    ///   - sequence: The record's `seq`.
    ///   - hash: The record's `hash`.
    ///   - fields: Members repeated in the structured data.
    ///   - header: Facility, host and process.
    ///   - limit: The largest message in bytes.
    /// - Returns: The message bytes (no framing).
    package static func record(
        json: [UInt8],
        timestamp: String,
        sequence: Int64,
        hash: String,
        fields: AuditSyslogFields,
        header: Header,
        limit: Int
    ) -> [UInt8] {
        var parameters: [(String, String)] = [("seq", String(sequence)), ("hash", hash)]
        if let client = fields.client { parameters.append(("client", client)) }
        parameters.append(("event", fields.event))
        if let decision = fields.decision { parameters.append(("decision", decision)) }
        var message: [UInt8] = []
        message.reserveCapacity(json.count + 256)
        header.append(severity: .notice, timestamp: timestamp, messageID: "audit", to: &message)
        let start = message.count
        appendStructuredData(parameters, to: &message)
        guard message.count + 1 + json.count > limit else {
            message.append(UInt8(ascii: " "))
            message.append(contentsOf: json)
            return message
        }
        message.removeSubrange(start...)
        parameters.append(("truncated", String(json.count)))
        appendStructuredData(parameters, to: &message)
        message.append(UInt8(ascii: " "))
        var room = max(0, limit - message.count)
        // Never cut inside a UTF-8 sequence: back off over continuation bytes.
        while room > 0, room < json.count, json[room] & 0xC0 == 0x80 { room -= 1 }
        message.append(contentsOf: json[..<min(room, json.count)])
        return message
    }

    /// The `audit-head` message: the chain head as last written, and the drop count.
    ///
    /// - Parameters:
    ///   - head: The chain head.
    ///   - dropped: Messages dropped since start.
    ///   - timestamp: The current time, RFC 3339.
    ///   - header: Facility, host and process.
    /// - Returns: The message bytes (no framing).
    package static func head(_ head: AuditChainHead, dropped: Int64, timestamp: String, header: Header) -> [UInt8] {
        var message: [UInt8] = []
        header.append(severity: .info, timestamp: timestamp, messageID: "audit-head", to: &message)
        appendStructuredData(
            [("seq", String(head.sequence)), ("hash", head.hash), ("dropped", String(dropped))],
            to: &message
        )
        message.append(UInt8(ascii: " "))
        message.append(contentsOf: head.encoded.dropLast())
        return message
    }

    /// RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`.
    ///
    /// - Parameter message: The message.
    /// - Returns: The framed message.
    package static func octetCounted(_ message: [UInt8]) -> [UInt8] {
        Array("\(message.count) ".utf8) + message
    }

    static func appendStructuredData(_ parameters: [(String, String)], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        bytes.append(contentsOf: structuredDataID.utf8)
        for (name, value) in parameters {
            bytes.append(contentsOf: " \(name)=\"".utf8)
            appendEscaped(value, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A PARAM-VALUE: `"`, `\` and `]` escaped with `\`, cut to ``maxParamBytes`` on a character boundary.
    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        var count = 0
        for scalar in value.unicodeScalars {
            let width = UTF8.width(scalar)
            guard count + width <= maxParamBytes else { break }
            count += width
            if scalar == "\"" || scalar == "\\" || scalar == "]" { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(contentsOf: String(scalar).utf8)
        }
    }
}
