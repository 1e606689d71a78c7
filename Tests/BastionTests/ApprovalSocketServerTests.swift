import BastionProtocol
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ApprovalSocketServerTests {
    private func start(
        _ scratch: borrowing ScratchDirectory,
        pending: PendingApprovals = PendingApprovals()
    ) throws
        -> ApprovalSocketServer
    {
        try ApprovalSocketServer(
            directory: scratch.file("approvals"),
            pending: pending,
            logger: SessionTestSupport.quietLogger
        )
    }

    private func endpoint(_ server: ApprovalSocketServer) -> ApprovalSocketClient.Endpoint {
        ApprovalSocketClient.Endpoint(pid: getpid(), path: server.path)
    }

    /// Sends raw bytes on a fresh connection and returns the answer line.
    private func exchangeRaw(_ bytes: [UInt8], path: String) throws -> UnixSocket.Line {
        let fd = try UnixSocket.make()
        defer { close(fd) }
        try #require(try UnixSocket.withAddress(path) { connect(fd, $0, $1) } == 0)
        #expect(UnixSocket.writeAll(fd, bytes) == nil)
        return UnixSocket.readLine(fd, maxBytes: 1 << 20)
    }

    @Test func theSocketIsPrivateAndStopRemovesIt() throws {
        let scratch = try ScratchDirectory()
        let server = try start(scratch)
        #expect(server.path == scratch.file("approvals/\(getpid()).sock"))
        #expect(ScratchDirectory.mode(of: scratch.file("approvals")) == 0o700)
        #expect(ScratchDirectory.mode(of: server.path) == 0o600)
        #expect(ApprovalSocketClient.endpoints(in: scratch.file("approvals")).map(\.pid) == [getpid()])
        server.stop()
        #expect(ScratchDirectory.mode(of: server.path) == nil)
        server.stop()  // idempotent
    }

    @Test func listAnswersOverTheSocket() throws {
        let scratch = try ScratchDirectory()
        let server = try start(scratch)
        defer { server.stop() }
        guard
            case .answer(let answer) = ApprovalSocketClient.send(ApprovalWireProtocol.listRequest, to: endpoint(server))
        else {
            Issue.record("no answer")
            return
        }
        #expect(answer["ok"] == true)
        #expect(answer["pid"] == .int(Int64(getpid())))
        #expect(answer["pending"] == [])
    }

    @Test func allowOverTheSocketLetsTheCallRun() async throws {
        let scratch = try ScratchDirectory()
        let pending = PendingApprovals()
        let server = try start(scratch, pending: pending)
        defer { server.stop() }
        let target = endpoint(server)
        let answer = await pending.wait(for: ApprovalTestSupport.request(), timeout: .seconds(600)) { request in
            let outcome = ApprovalSocketClient.send(ApprovalWireProtocol.allowRequest(id: request.id), to: target)
            guard case .answer(let reply) = outcome else {
                Issue.record("no answer")
                return
            }
            #expect(reply["ok"] == true)
        }
        #expect(answer == .allowed)
    }

    @Test func malformedAndOversizedLinesAreRefusedAndTheServerGoesOn() throws {
        let scratch = try ScratchDirectory()
        let server = try start(scratch)
        defer { server.stop() }
        guard case .line(let malformed) = try exchangeRaw(Array("garbage\n".utf8), path: server.path) else {
            Issue.record("no answer to a malformed line")
            return
        }
        #expect(try JSONParser.parse(malformed)["ok"] == false)
        let oversized = Array(repeating: UInt8(ascii: "x"), count: ApprovalWireProtocol.maxRequestBytes + 10)
        guard case .line(let refused) = try exchangeRaw(oversized, path: server.path) else {
            Issue.record("no answer to an oversized line")
            return
        }
        #expect(try JSONParser.parse(refused) == ApprovalWireProtocol.tooLong)
        guard
            case .answer(let answer) = ApprovalSocketClient.send(ApprovalWireProtocol.listRequest, to: endpoint(server))
        else {
            Issue.record("the server stopped answering")
            return
        }
        #expect(answer["ok"] == true)
    }

    @Test func aConnectionThatSendsNothingGetsNoAnswer() throws {
        let scratch = try ScratchDirectory()
        let server = try start(scratch)
        defer { server.stop() }
        let fd = try UnixSocket.make()
        defer { close(fd) }
        try #require(try UnixSocket.withAddress(server.path) { connect(fd, $0, $1) } == 0)
        shutdown(fd, Int32(SHUT_WR))
        #expect(UnixSocket.readLine(fd, maxBytes: 1024) == .none)
    }

    @Test func anUnsafeDirectoryIsRefused() throws {
        let scratch = try ScratchDirectory()
        #expect(mkdir(scratch.file("approvals"), 0o700) == 0)
        #expect(chmod(scratch.file("approvals"), 0o777) == 0)
        #expect(throws: ApprovalError.self) { try start(scratch) }
    }

    @Test func aStaleSocketWithOurPidIsReplaced() throws {
        let scratch = try ScratchDirectory()
        try ApprovalDirectory.prepare(scratch.file("approvals"))
        let path = scratch.file("approvals/\(getpid()).sock")
        let old = try UnixSocket.make()
        #expect(try UnixSocket.withAddress(path) { bind(old, $0, $1) } == 0)
        close(old)
        let server = try start(scratch)
        defer { server.stop() }
        guard case .answer = ApprovalSocketClient.send(ApprovalWireProtocol.listRequest, to: endpoint(server)) else {
            Issue.record("the new socket does not answer")
            return
        }
    }
}
