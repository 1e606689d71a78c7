import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

/// Refused requests in the audit without a flood of records (RefusalRecords.swift).
struct RefusalRecordsTests {
    /// One instant for every refusal of a test, however slowly the machine runs it.
    static let start = ContinuousClock.now

    static func failure(client: String? = nil) -> AuditEntry {
        AuditEntry(
            event: "auth-failure",
            client: client,
            transport: "http",
            fields: ["reason": "bad token", "credentials": "bearer-token"]
        )
    }

    /// Review 14, finding 4: 10,000 bad tokens from one address are two records, the second
    /// with the count, and both name the address.
    @Test func aFloodFromOneAddressIsOneRecordAndACount() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let records = RefusalRecords(audit: try AuditLogger(path: path, policy: .none), flushesItself: false)
        for _ in 0..<10_000 {
            records.record(Self.failure(), kind: "bearer-token", peer: "203.0.113.9", now: Self.start)
        }
        records.flush(now: Self.start + .seconds(2))
        let lines = try ScratchDirectory.jsonLines(of: path)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0["peer"] == "203.0.113.9" && $0["event"] == "auth-failure" })
        #expect(lines[0]["count"] == nil)
        #expect(lines[1]["count"] == 9_999)
    }

    @Test func addressesAndClientsAreTalliedApart() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let records = RefusalRecords(audit: try AuditLogger(path: path, policy: .none), flushesItself: false)
        records.record(Self.failure(), kind: "bearer-token", peer: "203.0.113.9", now: Self.start)
        records.record(Self.failure(), kind: "bearer-token", peer: "203.0.113.10", now: Self.start)
        records.record(Self.failure(client: "claude"), kind: "429", peer: "203.0.113.9", now: Self.start)
        records.record(Self.failure(), kind: "signature", peer: "203.0.113.9", now: Self.start)
        var expired = Self.failure()
        expired.fields["reason"] = "the token has expired"
        records.record(expired, kind: "bearer-token", peer: "203.0.113.9", now: Self.start)
        #expect(try ScratchDirectory.jsonLines(of: path).count == 5)
    }

    @Test func aSprayOfAddressesIsBoundedByTheKeyCap() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let records = RefusalRecords(audit: try AuditLogger(path: path, policy: .none), flushesItself: false)
        for index in 0..<5_000 {
            records.record(Self.failure(), kind: "bearer-token", peer: "2001:db8::\(index)", now: Self.start)
        }
        records.drain()
        let lines = try ScratchDirectory.jsonLines(of: path)
        #expect(lines.count == RefusalRecords.maxKeys + 2)  // each key's first, the overflow's first and its count
        #expect(lines.last?["count"] == .int(Int64(5_000 - RefusalRecords.maxKeys - 1)))
    }

    /// Review 15, finding 4: a sender that makes up a reason per request (a keyid) cannot push
    /// another sender's refusal out of sight.
    @Test func aSenderVaryingItsReasonsCannotHideAnother() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let records = RefusalRecords(audit: try AuditLogger(path: path, policy: .none), flushesItself: false)
        for index in 0..<1000 {
            var entry = Self.failure()
            entry.fields["reason"] = .string("no client has a key for keyid \"k\(index)\"")
            records.record(entry, kind: "signature", peer: "203.0.113.66", now: Self.start)
        }
        records.record(Self.failure(), kind: "bearer-token", peer: "198.51.100.1", now: Self.start)
        let lines = try ScratchDirectory.jsonLines(of: path)
        #expect(lines.contains { $0["peer"] == "198.51.100.1" })
        #expect(lines.filter { $0["peer"] == "203.0.113.66" }.count == RefusalRecords.maxKeysPerSender + 1)
    }

    @Test func thePeerOfTheTaskIsTheDefault() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let records = RefusalRecords(audit: try AuditLogger(path: path, policy: .none), flushesItself: false)
        RefusalRecords.$peer.withValue("198.51.100.4") { records.record(Self.failure(), kind: "x") }
        records.record(Self.failure(), kind: "y")
        let lines = try ScratchDirectory.jsonLines(of: path)
        #expect(lines.map { $0["peer"] } == ["198.51.100.4", nil])
    }
}
