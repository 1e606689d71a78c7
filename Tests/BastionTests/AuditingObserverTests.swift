import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct AuditingObserverTests {
    /// An observer writing to a fresh audit log, the session it observes, and the log's path.
    private func makeObserver(_ scratch: borrowing ScratchDirectory) throws -> (AuditingObserver, MCPSession, String) {
        let path = scratch.file("audit.jsonl")
        let observer = AuditingObserver(
            audit: try AuditLogger(path: path, policy: .none),
            client: SessionTestSupport.makeClient(id: "claude")
        )
        let session = SessionTestSupport.makeSession(observer: observer)
        return (observer, session, path)
    }

    private func record(
        _ outcome: RequestRecord.Outcome,
        method: String? = "tools/call",
        id: RequestID? = .int(7),
        annotations: [String: JSONValue] = [:]
    ) -> RequestRecord {
        RequestRecord(
            id: id,
            method: method,
            outcome: outcome,
            duration: .microseconds(1500),
            byteCount: 42,
            annotations: annotations
        )
    }

    @Test func initializeIsRecordedAsASessionStart() throws {
        let scratch = try ScratchDirectory()
        let (_, session, path) = try makeObserver(scratch)
        let longName = String(repeating: "n", count: 300)
        let longVersion = String(repeating: "v", count: 100)
        SessionTestSupport.feed(
            session,
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","#
                + #""capabilities":{},"clientInfo":{"name":""# + longName + #"","version":""# + longVersion + #""}}}"#
        )
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect(entry["event"] == "session-start")
        #expect(entry["client"] == "claude")
        #expect(entry["transport"] == "stdio")
        #expect(entry["session"] == "s-test")
        #expect(entry["protocol"] == "2025-06-18")
        #expect(entry["client_name"] == .string(String(repeating: "n", count: 128)))
        #expect(entry["client_version"] == .string(String(repeating: "v", count: 64)))
    }

    @Test func aSuccessfulRequestRecordsItsFacts() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        observer.sessionRecorded(session, record(.ok))
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect(entry["event"] == "request")
        #expect(entry["method"] == "tools/call")
        #expect(entry["id"] == 7)
        #expect(entry["outcome"] == "ok")
        #expect(entry["duration_us"] == 1500)
        #expect(entry["bytes"] == 42)
        #expect(entry["client"] == "claude")
        #expect(entry["code"] == nil)
    }

    @Test func anErrorRecordsItsCodeAndMessage() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        observer.sessionRecorded(session, record(.error(code: -32602, message: "Invalid params: x"), id: .string("a")))
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect(entry["outcome"] == "error")
        #expect(entry["code"] == -32602)
        #expect(entry["error"] == "Invalid params: x")
        #expect(entry["id"] == "a")
    }

    @Test func aRejectionIsADecision() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        observer.sessionRecorded(session, record(.rejected(code: -32700, message: "Parse error"), method: nil, id: nil))
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect(entry["outcome"] == "rejected")
        #expect(entry["decision"] == "reject")
        #expect(entry["code"] == -32700)
        #expect(entry["method"] == nil)
        #expect(entry["id"] == nil)
    }

    @Test func handlerAnnotationsRefineTheRecord() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        let notes: [String: JSONValue] = [
            "tool": "write_file", "decision": "deny", "permission": "file_write", "outcome": "denied",
        ]
        observer.sessionRecorded(session, record(.ok, annotations: notes))
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect(entry["tool"] == "write_file")
        #expect(entry["decision"] == "deny")
        #expect(entry["permission"] == "file_write")
        #expect(entry["outcome"] == "denied")
    }

    @Test func aCancelledCallKeepsWhatItsHandlerDidAndSaysItWasCancelled() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        // The write happened before the cancellation arrived: the record must not hide it.
        observer.sessionRecorded(session, record(.cancelled, annotations: ["outcome": "ok"]))
        observer.sessionRecorded(session, record(.cancelled))
        let entries = try ScratchDirectory.jsonLines(of: path)
        #expect(entries.first?["outcome"] == "ok")
        #expect(entries.first?["cancelled"] == true)
        #expect(entries.last?["outcome"] == "cancelled")
    }

    @Test func clientChosenStringsAreBoundedSoEveryRecordStaysVerifiable() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        let huge = String(repeating: "A", count: 1_500_000)
        observer.sessionRecorded(
            session,
            record(.error(code: -32601, message: "Method not found: " + huge), annotations: ["tool": .string(huge)])
        )
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect((entry["tool"]?.stringValue?.utf8.count ?? 0) < 600)
        #expect(entry["tool"]?.stringValue?.hasSuffix("…<1500000 bytes>") == true)
        #expect((entry["error"]?.stringValue?.utf8.count ?? 0) < 600)
    }

    @Test func aLongMethodIsTruncated() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        observer.sessionRecorded(session, record(.ok, method: String(repeating: "m", count: 500)))
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect(entry["method"] == .string(String(repeating: "m", count: 128)))
    }

    @Test func closingIsRecordedAsASessionEnd() async throws {
        let scratch = try ScratchDirectory()
        let (_, session, path) = try makeObserver(scratch)
        await session.close(grace: .zero)
        let entries = try ScratchDirectory.jsonLines(of: path)
        #expect(entries.map { $0["event"] } == ["session-end"])
        #expect(entries.first?["session"] == "s-test")
    }

    @Test(arguments: [
        (Duration.zero, Int64(0)), (.microseconds(1), 1), (.milliseconds(2), 2000), (.seconds(3), 3_000_000),
        (.nanoseconds(1999), 1), (.seconds(1) + .microseconds(5), 1_000_005),
    ])
    func durationsConvertToWholeMicroseconds(duration: Duration, microseconds: Int64) {
        #expect(duration.microseconds == microseconds)
    }

    @Test func whileTheLogCannotBeWrittenRequestsAreRefusedUnexecuted() throws {
        // /dev/full: every write fails with ENOSPC.
        let observer = AuditingObserver(
            audit: try AuditLogger(path: "/dev/full", policy: .batch),
            client: SessionTestSupport.makeClient(id: "claude")
        )
        let sink = RecordingSink()
        let session = SessionTestSupport.makeSession(sink: sink, observer: observer)
        #expect(observer.sessionShouldAccept(session, method: "tools/call") == nil)
        observer.sessionRecorded(session, record(.ok))
        let refusal = try #require(observer.sessionShouldAccept(session, method: "tools/call"))
        #expect(refusal.code == -32603)
        #expect(refusal.message == "audit log unavailable: No space left on device")
        SessionTestSupport.feed(session, #"{"jsonrpc":"2.0","id":9,"method":"ping"}"#)
        let response = try #require(sink.response(to: 9))
        #expect(response["error"]?["code"] == -32603)
        #expect(response["result"] == nil)
    }

    @Test func aHealthyLogAcceptsRequests() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, _) = try makeObserver(scratch)
        observer.sessionRecorded(session, record(.ok))
        #expect(observer.sessionShouldAccept(session, method: "tools/call") == nil)
    }

    @Test func aRecordThatCannotBeWrittenTurnsTheAnswerIntoTheAuditError() throws {
        let observer = AuditingObserver(
            audit: try AuditLogger(path: "/dev/full", policy: .none),
            client: SessionTestSupport.makeClient(id: "claude")
        )
        let session = SessionTestSupport.makeSession(observer: observer)
        let refusal = try #require(observer.sessionRecorded(session, record(.ok)))
        #expect(refusal.code == -32603)
        #expect(refusal.message == "audit log unavailable: No space left on device")
    }

    @Test func aWrittenRecordLetsTheAnswerThrough() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, _) = try makeObserver(scratch)
        #expect(observer.sessionRecorded(session, record(.ok)) == nil)
    }

    @Test func aDeniedPathIsKeptWholeUpToAPathsLength() throws {
        let scratch = try ScratchDirectory()
        let (observer, session, path) = try makeObserver(scratch)
        let long = "/" + String(repeating: "p", count: 1_000)
        observer.sessionRecorded(session, record(.ok, annotations: ["path": .string(long), "error": .string(long)]))
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        #expect(entry["path"] == .string(long))
        #expect(entry["error"]?.stringValue?.hasSuffix("…<1001 bytes>") == true)
    }

    @Test func aLongClientNameIsBoundedInBytesNotCharacters() throws {
        let scratch = try ScratchDirectory()
        let (_, session, path) = try makeObserver(scratch)
        // One grapheme of 1 + 400 scalars: String.prefix(128) would keep all of it.
        let zalgo = "a" + String(repeating: "\\u0301", count: 400)
        SessionTestSupport.feed(
            session,
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","#
                + #""capabilities":{},"clientInfo":{"name":""# + zalgo + #"","version":"1"}}}"#
        )
        let entry = try #require(try ScratchDirectory.jsonLines(of: path).first)
        let name = try #require(entry["client_name"]?.stringValue)
        #expect(name.utf8.count <= 128)
    }
}
