import BastionProtocol
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ApprovalSocketClientTests {
    /// A socket file nobody listens on.
    private func deadSocket(_ path: String) throws {
        let fd = try UnixSocket.make()
        #expect(try UnixSocket.withAddress(path) { bind(fd, $0, $1) } == 0)
        close(fd)
    }

    @Test func onlyPidNamedSocketsAreEndpoints() throws {
        let scratch = try ScratchDirectory()
        try deadSocket(scratch.file("12.sock"))
        try deadSocket(scratch.file("other.sock"))
        #expect(creat(scratch.file("13.sock"), 0o600) >= 0)  // a regular file, not a socket
        #expect(ApprovalSocketClient.endpoints(in: scratch.path) == [.init(pid: 12, path: scratch.file("12.sock"))])
        #expect(ApprovalSocketClient.endpoints(in: scratch.file("absent")).isEmpty)
    }

    /// Review 9, finding 12: a socket another user planted is never asked (it could answer `show`
    /// with a harmless preview for another server's real call).
    @Test func aSocketOfAnotherUserIsNoEndpoint() throws {
        let scratch = try ScratchDirectory()
        try deadSocket(scratch.file("14.sock"))
        try deadSocket(scratch.file("15.sock"))
        guard geteuid() == 0 else { return }  // only root can give a file away
        #expect(chown(scratch.file("14.sock"), 65_534, 65_534) == 0)
        #expect(ApprovalSocketClient.endpoints(in: scratch.path).map(\.pid) == [15])
    }

    @Test func aSocketOfADeadProcessIsRemoved() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("2147483600.sock")  // above any pid_max: no such process
        try deadSocket(path)
        guard
            case .stale = ApprovalSocketClient.send(
                ApprovalWireProtocol.listRequest,
                to: .init(pid: 2_147_483_600, path: path)
            )
        else {
            Issue.record("a dead server's socket was not reported stale")
            return
        }
        #expect(ScratchDirectory.mode(of: path) == nil)
    }

    @Test func aSilentSocketOfALiveProcessIsKept() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("\(getpid()).sock")
        try deadSocket(path)
        guard
            case .failure(let error) = ApprovalSocketClient.send(
                ApprovalWireProtocol.listRequest,
                to: .init(pid: getpid(), path: path)
            )
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.message.contains("cannot connect"))
        #expect(ScratchDirectory.mode(of: path) != nil)
    }
}
