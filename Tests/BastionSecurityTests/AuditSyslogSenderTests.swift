import BastionProtocol
import Foundation
import Testing

@testable import BastionSecurity

struct AuditSyslogSenderTests {
    private func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "<none>" }

    @Test func everyRecordOfTheLogReachesAUDPReceiverInOrder() throws {
        let scratch = try ScratchDirectory()
        let receiver = try SyslogReceiver(.udp)
        let logger = try AuditLogger(
            path: scratch.file("audit.jsonl"),
            policy: .none,
            rotation: .never,
            syslog: AuditSyslogConfiguration(
                destination: .udp(host: "127.0.0.1", port: receiver.port),
                facility: .local0
            ),
            hostname: "testhost"
        )
        logger.record(AuditEntry(event: "start", client: "c1"))
        logger.record(AuditEntry(event: "request", client: "c1", fields: ["decision": "deny"]))
        let lines = try ScratchDirectory.lines(of: logger.path)
        let records = try lines.map { try JSONParser.parse($0) }
        for (index, line) in lines.enumerated() {
            let message = text(receiver.datagram())
            let record = records[index]
            let stamp = try #require(record["ts"]?.stringValue)
            let hash = try #require(record["hash"]?.stringValue)
            let decision = index == 1 ? #" decision="deny""# : ""
            let event = index == 0 ? "start" : "request"
            let pid = getpid()
            #expect(
                message
                    == "<133>1 \(stamp) testhost bastion \(pid) audit [bastion@32473 seq=\"\(index + 1)\" hash=\"\(hash)\" "
                    + "client=\"c1\" event=\"\(event)\"\(decision)] \(line)"
            )
        }
        // A commit cycle sends the head (the committer thread's own cycle may send one first).
        logger.commitNow()
        var head = ""
        for _ in 0..<3 where !head.contains("seq=\"2\"") { head = text(receiver.datagram()) }
        #expect(head.hasPrefix("<134>1 ") && head.contains(" audit-head [bastion@32473 seq=\"2\" "))
        #expect(head.contains(#"dropped="0"] {"hash":"#))
    }

    @Test func aTCPReceiverGetsOctetCountedRecords() throws {
        let scratch = try ScratchDirectory()
        let receiver = try SyslogReceiver(.tcp)
        let logger = try AuditLogger(
            path: scratch.file("audit.jsonl"),
            policy: .none,
            rotation: .never,
            syslog: AuditSyslogConfiguration(destination: .tcp(host: "127.0.0.1", port: receiver.port)),
            hostname: "h"
        )
        logger.record(AuditEntry(event: "start"))
        let line = try #require(try ScratchDirectory.lines(of: logger.path).first)
        let frame = try #require(receiver.frame())
        #expect(frame.length == frame.message.count)
        #expect(text(frame.message).hasPrefix("<85>1 "))
        #expect(text(frame.message).hasSuffix("event=\"start\"] \(line)"))
    }

    @Test func aUnixReceiverGetsTheRecord() throws {
        let scratch = try ScratchDirectory()
        let receiver = try SyslogReceiver(.unix(scratch.file("log.sock")))
        let logger = try AuditLogger(
            path: scratch.file("audit.jsonl"),
            policy: .batch,
            rotation: .never,
            syslog: AuditSyslogConfiguration(destination: .unix(path: scratch.file("log.sock")), facility: .auth),
            hostname: "h"
        )
        logger.record(AuditEntry(event: "start", client: "quote\"client"))
        let message = text(receiver.datagram())
        #expect(message.hasPrefix("<37>1 "))
        #expect(message.contains(#"client="quote\"client""#))
    }

    @Test func messagesBeyondTheQueueAreDroppedAndCounted() throws {
        let scratch = try ScratchDirectory()
        // Nobody listens: every message fails to send, and nothing blocks the records.
        let logger = try AuditLogger(
            path: scratch.file("audit.jsonl"),
            policy: .none,
            rotation: .never,
            syslog: AuditSyslogConfiguration(destination: .unix(path: scratch.file("absent.sock"))),
            hostname: "h"
        )
        for _ in 0..<(AuditSyslogSender.capacity + 10) { #expect(logger.record(AuditEntry(event: "request")) != nil) }
        #expect(logger.syslogDroppedCount >= 10)
        #expect(try ScratchDirectory.lines(of: logger.path).count == AuditSyslogSender.capacity + 10)
    }
}
