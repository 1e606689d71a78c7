import BastionProtocol
import Testing

@testable import BastionSecurity

struct AuditRecordBodyTests {
    private static let previous = String(repeating: "a", count: 64)

    /// The line must be the canonical form the verifier re-derives, whatever keys sort around the
    /// spliced `prev`, `seq` and `ts`.
    @Test(
        arguments: [
            [:],
            ["event": "request"],
            ["a": 1, "pz": 2, "q": 3, "sa": 4, "t": 5, "u": 6],
            ["prev0": "x", "seq0": "y", "ts0": "z", "zz": ["nested": [1, 2]], "": "empty key"],
            ["é": "non-ASCII key sorts last", "Z": "upper case sorts first", "s": true],
            ["quote\"key": "back\\slash", "tab\tkey": "new\nline \u{1} and é 😀", "ab": "a", "a": "ab"],
        ] as [[String: JSONValue]]
    )
    func theLineIsTheCanonicalFormWithItsHash(members: [String: JSONValue]) throws {
        var line: [UInt8] = [0x0A]
        let (hash, timestamp) = AuditRecordBody(members).appendLine(sequence: 7, previous: Self.previous, to: &line)
        #expect(line.first == 0x0A && line.last == 0x0A)
        guard case .object(let record) = try JSONParser.parse(line.dropFirst().dropLast()) else {
            Issue.record("not an object")
            return
        }
        #expect(record["hash"] == .string(hash))
        #expect(record["seq"] == 7 && record["prev"] == .string(Self.previous))
        #expect(record["ts"] == .string(String(decoding: line[timestamp], as: UTF8.self)))
        let canonical = AuditCanonicalForm.encode(record)
        #expect(AuditCanonicalForm.hash(canonical) == hash)
        #expect(
            Array(line.dropFirst().dropLast()) == AuditCanonicalForm.line(canonical: canonical, hash: hash).dropLast()
        )
        for (key, value) in members { #expect(record[key] == value) }
    }

    @Test func ownedMembersOfTheEntryAreDropped() throws {
        var line: [UInt8] = []
        _ = AuditRecordBody(["seq": 99, "hash": "h", "prev": "p", "ts": "t", "event": "e"])
            .appendLine(sequence: 1, previous: Self.previous, to: &line)
        let record = try JSONParser.parse(line.dropLast())
        #expect(record["seq"] == 1 && record["prev"] == .string(Self.previous))
        #expect(record["hash"] != "h" && record["ts"] != "t")
    }

    @Test func theEstimateCoversTheLine() {
        let body = AuditRecordBody(["event": "request", "tool": "echo"])
        var line: [UInt8] = []
        _ = body.appendLine(sequence: .max, previous: Self.previous, to: &line)
        #expect(body.estimatedLineLength >= line.count)
    }
}

extension AuditRecordBodyTests {
    @Test func anEntryEncodesLikeItsMembers() {
        let entries = [
            AuditEntry(event: "start"),
            AuditEntry(
                event: "request",
                client: "c",
                transport: "stdio",
                session: "s-1",
                method: "tools/call",
                requestID: 7,
                fields: ["event": "shadowed", "client": "shadowed", "tool": "echo", "seq": 5, "args": ["a": 1]]
            ),
            AuditEntry(event: "request", fields: ["client": "kept: no named client", "id": "kept too"]),
        ]
        for entry in entries {
            var fromEntry: [UInt8] = []
            var fromMembers: [UInt8] = []
            _ = AuditRecordBody(entry).appendLine(sequence: 3, previous: Self.previous, to: &fromEntry)
            _ = AuditRecordBody(entry.members()).appendLine(sequence: 3, previous: Self.previous, to: &fromMembers)
            // The lines differ only in `ts` and so `hash`: compare them without those.
            func parsed(_ line: [UInt8]) -> JSONValue? {
                guard case .object(var record)? = try? JSONParser.parse(line.dropLast()) else { return nil }
                record["ts"] = nil
                record["hash"] = nil
                return .object(record)
            }
            #expect(parsed(fromEntry) != nil && parsed(fromEntry) == parsed(fromMembers))
        }
    }
}

extension AuditRecordBodyTests {
    @Test(arguments: [
        ("a", "b"), ("a", "ab"), ("", "a"), ("Z", "a"), ("z", "é"), ("prev", "prev0"), ("seq", "session"),
    ])
    func keysSortByUTF8Bytes(lower: String, higher: String) {
        #expect(AuditRecordBody.precedes(lower, higher))
        #expect(!AuditRecordBody.precedes(higher, lower))
        #expect(!AuditRecordBody.precedes(lower, lower))
    }

    @Test func theSortByPrefixGivesTheOrderOfTheWholeKeys() {
        // Keys sharing their first eight bytes, keys shorter than eight, multi-byte ones.
        let keys = [
            "client_version", "client_name", "client", "duration_us", "decision", "a", "", "é", "z",
            "permission", "permissions", "transport", "ts", "seq", "session", "prev", "prev0", "12345678a", "12345678",
        ]
        var members = keys.map { (key: $0, value: JSONValue.null) }
        AuditRecordBody.sortByKey(&members)
        #expect(members.map(\.key) == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(AuditRecordBody.keyPrefix("ab") == 0x6162_0000_0000_0000)
        #expect(AuditRecordBody.keyPrefix("abcdefghij") == 0x6162_6364_6566_6768)
    }

    @Test(arguments: ["plain", "", "quote\"", "back\\slash", "control\u{1}", "tab\t", "é 😀"])
    func stringsAreWrittenAsTheWriterWritesThem(text: String) {
        var bytes: [UInt8] = []
        AuditRecordBody.appendString(text, to: &bytes)
        #expect(bytes == JSONWriter.encode(.string(text)))
    }

    @Test func secretsInAnyMemberAreWrittenRedactedAndTheHashCoversWhatIsWritten() throws {
        let members: [String: JSONValue] = [
            "error": "Cannot open \"/tmp/ghp_0123456789abcdefghijABCDEFGHIJ012345\"",
            "args": ["text": "password=hunter2"], "tool": "AKIAIOSFODNN7EXAMPLE",
        ]
        var line: [UInt8] = []
        let (hash, _) = AuditRecordBody(members).appendLine(sequence: 1, previous: Self.previous, to: &line)
        let text = String(decoding: line, as: UTF8.self)
        #expect(!text.contains("ghp_0123") && !text.contains("hunter2") && !text.contains("AKIAIOSFODNN7EXAMPLE"))
        guard case .object(let record) = try JSONParser.parse(line.dropLast()) else {
            Issue.record("not an object")
            return
        }
        #expect(record["error"] == "Cannot open \"/tmp/<redacted>\"")
        #expect(record["args"] == ["text": "password=<redacted>"])
        #expect(AuditCanonicalForm.hash(AuditCanonicalForm.encode(record)) == hash)
    }

    @Test func theServersCanonicalPathsAreMaskedOneSegmentAtATime() throws {
        let members: [String: JSONValue] = [
            "path": "/w/password=hunter2/notes.txt",
            "paths": ["/w/a.txt", "/w/token=abc/b.txt", "/w/ghp_0123456789abcdefghijABCDEFGHIJ012345/c.txt"],
            "destination": "/w/plain.txt",
            "error": "/w/password=hunter2/notes.txt",
        ]
        var line: [UInt8] = []
        _ = AuditRecordBody(members).appendLine(sequence: 1, previous: Self.previous, to: &line)
        guard case .object(let record) = try JSONParser.parse(line.dropLast()) else {
            Issue.record("not an object")
            return
        }
        // An assignment's value may hold a `/`: every segment it reaches is masked.
        #expect(record["path"] == "/w/password=<redacted>/<redacted>")
        #expect(record["paths"] == ["/w/a.txt", "/w/token=<redacted>/<redacted>", "/w/<redacted>/c.txt"])
        #expect(record["destination"] == "/w/plain.txt")
        // Anything else is scanned whole: the assignment runs on to the end of the string.
        #expect(record["error"] == "/w/password=<redacted>")
    }
}
