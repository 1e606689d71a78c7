import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Synchronization
import Testing

@testable import Bastion

struct FileSystemModuleReadingTests {
    @Test func readTextFileReadsWholeHeadAndTail() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("1\n2\n3\n4\n", "n.txt")
        #expect(FileToolFixture.text(try await fixture.call("read_text_file", ["path": "n.txt"])) == "1\n2\n3\n4\n")
        #expect(FileToolFixture.text(try await fixture.call("read_text_file", ["path": "n.txt", "head": 2])) == "1\n2")
        #expect(FileToolFixture.text(try await fixture.call("read_text_file", ["path": "n.txt", "tail": 2])) == "3\n4")
        let both = try await fixture.call("read_text_file", ["path": "n.txt", "head": 1, "tail": 1])
        #expect(both.isError)
    }

    @Test(arguments: [("missing.txt", "no such file"), ("dir", "is a directory"), ("bin", "binary")])
    func badTargetsAreClearErrorsNamingThePath(path: String, message: String) async throws {
        let fixture = try FileToolFixture()
        try FileManager.default.createDirectory(atPath: fixture.workdir + "/dir", withIntermediateDirectories: false)
        try Data([0, 1, 2, 255]).write(to: URL(fileURLWithPath: fixture.workdir + "/bin"))
        let result = try await fixture.call("read_text_file", ["path": .string(path)])
        #expect(result.isError)
        #expect(FileToolFixture.text(result).contains(path))
        #expect(FileToolFixture.text(result).contains(message))
    }

    @Test func readMediaFileReturnsImagesAsImagesAndOtherFilesAsBlobs() async throws {
        let fixture = try FileToolFixture()
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: fixture.workdir + "/p.png"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: fixture.workdir + "/blob.bin"))
        let image = try await fixture.call("read_media_file", ["path": "p.png"])
        #expect(image.content == [.image(base64: "iVBORw==", mimeType: "image/png")])
        let blob = try await fixture.call("read_media_file", ["path": "blob.bin"])
        guard case .resourceBlob(let uri, let mimeType, let data) = blob.content.first else {
            Issue.record("expected a blob, got \(blob)")
            return
        }
        #expect(uri.hasSuffix("/work/blob.bin") && uri.hasPrefix("file:///"))
        #expect(mimeType == "application/octet-stream")
        #expect(data == "AQID")
    }

    @Test func readMultipleFilesReportsFailuresInline() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("A", "a.txt")
        let result = try await fixture.call("read_multiple_files", ["paths": ["a.txt", "/etc/shadow"]])
        let text = FileToolFixture.text(result)
        #expect(!result.isError)
        #expect(text.hasPrefix("a.txt:\nA\n"))
        #expect(text.contains("\n---\n/etc/shadow: Error - Permission denied"))
        #expect(result.denial?.target == "/etc/shadow")
        #expect(result.denial?.permission == "file_read:/etc/shadow")
    }

    @Test(arguments: ["read_text_file", "read_media_file"])
    func aRefusedReadCarriesTheDenialForTheAudit(tool: String) async throws {
        let fixture = try FileToolFixture(deny: ["**/*.key"])
        try fixture.write("k", "server.key")
        let result = try await fixture.call(tool, ["path": "server.key"])
        #expect(result.isError)
        #expect(
            result.denial
                == PermissionDenial(
                    permission: "file_read",
                    target: fixture.workdir + "/server.key",
                    rule: .denyRule,
                    pattern: "**/*.key"
                )
        )
    }

    @Test func aFailedReadThatIsNoRefusalCarriesNoDenial() async throws {
        let fixture = try FileToolFixture()
        let result = try await fixture.call("read_text_file", ["path": "missing.txt"])
        #expect(result.isError)
        #expect(result.denial == nil)
    }

    @Test func readMediaFileReservesTheBytesAndTheirEncodingForTheRequest() async throws {
        let fixture = try FileToolFixture()
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: fixture.workdir + "/p.png"))
        let budget = MemoryBudget(limit: 64 << 20)
        var request: RequestContext? = SessionTestSupport.makeContext()
        let result = try await fixture.call(
            "read_media_file",
            ["path": "p.png"],
            memoryBudget: budget,
            request: try #require(request)
        )
        #expect(budget.bytesInUse == FileSystemModule.mediaAnswerBytes(100_000))
        guard case .image(let data, "image/png") = result.content.first else {
            Issue.record("expected an image, got \(result)")
            return
        }
        guard case .lazyString(let lazy) = data.json else {
            Issue.record("the Base64 should be produced when the answer is written")
            return
        }
        #expect(lazy.byteCount == Base64.encodedCount(100_000))
        #expect(JSONWriter.string(data.json) == "\"" + Base64.encode(bytes) + "\"")
        request = nil
        #expect(budget.bytesInUse == 0)
    }

    @Test func aFullBudgetMakesReadsBusyResultsSayingToRetry() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("some text\n", "t.txt")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: fixture.workdir + "/p.png"))
        let budget = MemoryBudget(limit: 1 << 20, maximumWait: .milliseconds(10))
        let held = try await budget.reserve(1 << 20)
        for (tool, arguments) in [
            ("read_media_file", ["path": "p.png"]), ("read_text_file", ["path": "t.txt"]),
            ("read_text_file", ["path": "t.txt", "head": 1]), ("read_text_file", ["path": "t.txt", "tail": 1]),
            ("read_multiple_files", ["paths": ["t.txt", "p.png"]]),
        ] as [(String, [String: JSONValue])] {
            let result = try await fixture.call(tool, arguments, memoryBudget: budget)
            #expect(result.isError, "\(tool)")
            #expect(FileToolFixture.text(result).hasPrefix("Server busy"), "\(tool)")
            #expect(FileToolFixture.text(result).contains("retry"), "\(tool)")
        }
        held.release()
        #expect(budget.bytesInUse == 0)
    }

    @Test func filesWhoseAnswerCannotFitTheWholeBudgetTogetherAreRefusedAtOnceHoldingNothing() async throws {
        let fixture = try FileToolFixture()
        for name in ["a.txt", "b.txt", "c.txt"] { try fixture.write(String(repeating: "x", count: 20_000), name) }
        // Each file alone fits (about 90 KB); the three together (about 280 KB) do not.
        let budget = MemoryBudget(limit: 256 << 10, maximumWait: .seconds(3_600))
        let one = try await fixture.call("read_multiple_files", ["paths": ["a.txt"]], memoryBudget: budget)
        #expect(!one.isError, "\(FileToolFixture.text(one))")
        let all = try await fixture.call(
            "read_multiple_files",
            ["paths": ["a.txt", "b.txt", "c.txt"]],
            memoryBudget: budget
        )
        #expect(all.isError)
        #expect(FileToolFixture.text(all).contains("memory_budget_mb"), "\(FileToolFixture.text(all))")
        #expect(FileToolFixture.text(all).contains("fewer files per call"), "\(FileToolFixture.text(all))")
        #expect(budget.bytesInUse == 0)
    }

    @Test func headAndTailReserveWhatTheirWindowCanRead() async throws {
        let fixture = try FileToolFixture()
        try fixture.write(String(repeating: "line\n", count: 1_000), "t.txt")
        for window in ["head", "tail"] {
            let budget = MemoryBudget(limit: 64 << 20)
            let request = SessionTestSupport.makeContext()
            let result = try await fixture.call(
                "read_text_file",
                ["path": "t.txt", .init(window): 2],
                memoryBudget: budget,
                request: request
            )
            #expect(FileToolFixture.text(result) == "line\nline")
            #expect(budget.bytesInUse == FileSystemModule.textAnswerBytes(5_000), "\(window)")
        }
    }

    @Test func aWindowReadBeyondTheFirstReservationIsServedWhole() async throws {
        let fixture = try FileToolFixture()
        let line = String(repeating: "y", count: FileSystemModule.probeWindowBytes + 10)
        try fixture.write("first\n\(line)\n", "w.txt")
        let budget = MemoryBudget(limit: 64 << 20, maximumWait: .seconds(3_600))
        let tail = try await fixture.call("read_text_file", ["path": "w.txt", "tail": 1], memoryBudget: budget)
        #expect(FileToolFixture.text(tail) == line)
        #expect(tail.structuredContent?["truncated"] == false)
        let head = try await fixture.call("read_text_file", ["path": "w.txt", "head": 2], memoryBudget: budget)
        #expect(FileToolFixture.text(head) == "first\n\(line)")
    }

    @Test func aFileWhoseAnswerCannotFitTheWholeBudgetIsRefusedAtOnce() async throws {
        let fixture = try FileToolFixture()
        try Data(repeating: 7, count: 300_000).write(to: URL(fileURLWithPath: fixture.workdir + "/big.png"))
        let budget = MemoryBudget(limit: 256 << 10, maximumWait: .seconds(3_600))
        let result = try await fixture.call("read_media_file", ["path": "big.png"], memoryBudget: budget)
        #expect(result.isError)
        #expect(FileToolFixture.text(result).contains("memory_budget_mb"))
    }

    @Test func readTextFileReservesForTheTextTwiceInTheAnswer() async throws {
        let fixture = try FileToolFixture()
        try fixture.write(String(repeating: "line\n", count: 1_000), "t.txt")
        let budget = MemoryBudget(limit: 64 << 20)
        let request = SessionTestSupport.makeContext()
        let result = try await fixture.call("read_text_file", ["path": "t.txt"], memoryBudget: budget, request: request)
        #expect(!result.isError)
        #expect(budget.bytesInUse == FileSystemModule.textAnswerBytes(5_000))
        #expect(FileSystemModule.textAnswerBytes(5_000) >= 5_000 + 2 * 5_000)
    }

    @Test func theReservationIsReleasedOnlyOnceTheAnswerHasBeenWritten() async throws {
        let fixture = try FileToolFixture()
        try Data(repeating: 0xAB, count: 200_000).write(to: URL(fileURLWithPath: fixture.workdir + "/p.png"))
        let budget = MemoryBudget(limit: 64 << 20)
        let manager = ToolManager(
            tools: Array(fixture.tools.values),
            sandbox: AllowEverySandbox(),
            memoryBudget: budget,
            logger: SessionTestSupport.quietLogger
        )
        var router = RequestRouter()
        let client = fixture.client
        router.on("tools/call") { params, context throws(JSONRPCError) in
            try await manager.call(params: params, client: client, context: context, version: .latest)
        }
        let sink = BudgetProbeSink(budget: budget)
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "t", version: "1"),
                capabilities: ServerRuntime.capabilities
            ),
            router: router,
            sink: sink,
            observer: NullObserver(),
            id: "s-test",
            logger: SessionTestSupport.quietLogger
        )
        SessionTestSupport.initialize(session, version: .latest)
        SessionTestSupport.feed(
            session,
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"read_media_file","arguments":{"path":"p.png"}}}"#
        )
        await session.close()
        let answer = try #require(sink.sent.last)
        #expect(
            answer.bytes.count > Base64.encodedCount(200_000),
            "\(String(decoding: answer.bytes.prefix(300), as: UTF8.self))"
        )
        // Still reserved while the answer was being written; released after.
        #expect(answer.bytesInUse == FileSystemModule.mediaAnswerBytes(200_000))
        #expect(budget.bytesInUse == 0)
        let parsed = try JSONParser.parse(answer.bytes)
        let data = parsed["result"]?["content"]?.arrayValue?.first?["data"]?.stringValue
        #expect(data == Base64.encode([UInt8](repeating: 0xAB, count: 200_000)), "the answer's data differs")
    }
}

private struct AllowEverySandbox: SandboxValidator {
    func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String? { nil }
}

/// A sink that notes, for each message, the memory budget in use when it was sent.
private final class BudgetProbeSink: MessageSink {
    private let budget: MemoryBudget
    private let messages = Mutex<[(bytes: [UInt8], bytesInUse: Int)]>([])

    init(budget: MemoryBudget) { self.budget = budget }

    func send(_ message: consuming [UInt8]) -> Bool {
        let bytes = message
        let inUse = budget.bytesInUse
        messages.withLock { $0.append((bytes, inUse)) }
        return true
    }

    var sent: [(bytes: [UInt8], bytesInUse: Int)] { messages.withLock { $0 } }
}
