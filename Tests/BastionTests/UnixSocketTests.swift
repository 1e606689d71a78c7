import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct UnixSocketTests {
    /// A connected pair of stream sockets.
    private func pair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (fds[0], fds[1])
    }

    @Test func aLineIsReadUpToItsNewline() throws {
        let (a, b) = try pair()
        defer { close(a) }
        #expect(UnixSocket.writeAll(b, Array("hello\nrest".utf8)) == nil)
        close(b)
        #expect(UnixSocket.readLine(a, maxBytes: 100) == .line(Array("hello".utf8)))
    }

    @Test func endOfInputEndsALineAndNothingIsNone() throws {
        let (a, b) = try pair()
        #expect(UnixSocket.writeAll(b, Array("no newline".utf8)) == nil)
        close(b)
        #expect(UnixSocket.readLine(a, maxBytes: 100) == .line(Array("no newline".utf8)))
        close(a)
        let (c, d) = try pair()
        close(d)
        #expect(UnixSocket.readLine(c, maxBytes: 100) == .none)
        close(c)
    }

    @Test(arguments: [10, 4096, 10_000])
    func anOversizedLineIsRefused(size: Int) throws {
        let (a, b) = try pair()
        defer { close(a) }
        // Written whole before reading (it fits the socket buffer): no second thread is needed, so
        // the test never ties up the concurrency pool waiting for one.
        let payload = Array(repeating: UInt8(ascii: "x"), count: size + 1) + [UInt8(ascii: "\n")]
        #expect(UnixSocket.writeAll(b, payload) == nil)
        close(b)
        #expect(UnixSocket.readLine(a, maxBytes: size) == .tooLong)
    }

    @Test func aPartialLineCutByAFailedReadIsNotALine() throws {
        let (a, b) = try pair()
        defer {
            close(a)
            close(b)
        }
        #expect(UnixSocket.writeAll(b, Array(#"{"op":"allow","id":"abc"#.utf8)) == nil)
        // Non-blocking: the read after the partial line fails at once (EAGAIN), as a timed-out one would.
        #expect(fcntl(a, F_SETFL, fcntl(a, F_GETFL) | O_NONBLOCK) == 0)
        #expect(UnixSocket.readLine(a, maxBytes: 100) == .none)
    }

    @Test func thePeerUIDIsOurs() throws {
        let (a, b) = try pair()
        defer {
            close(a)
            close(b)
        }
        #expect(UnixSocket.peerUID(a) == geteuid())
    }

    @Test func aTooLongPathIsRefused() {
        let path = "/" + String(repeating: "p", count: UnixSocket.maxPathBytes + 1)
        #expect(throws: ApprovalError.self) { try UnixSocket.withAddress(path) { _, _ in 0 } }
    }

    @Test func acceptedConnectionsAreCloseOnExec() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("s.sock")
        let listener = try UnixSocket.make()
        defer { close(listener) }
        #expect(try UnixSocket.withAddress(path) { bind(listener, $0, $1) } == 0)
        #expect(listen(listener, 1) == 0)
        let client = try UnixSocket.make()
        defer { close(client) }
        #expect(try UnixSocket.withAddress(path) { connect(client, $0, $1) } == 0)
        let connection = UnixSocket.acceptConnection(listener)
        try #require(connection >= 0)
        defer { close(connection) }
        #expect(fcntl(connection, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(client, F_GETFD) & FD_CLOEXEC != 0)
    }
}
