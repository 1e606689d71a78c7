import Testing

@testable import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

struct FileDescriptorIOTests {
    @Test func everyByteIsWrittenAndFailuresCarryErrno() {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let bytes: [UInt8] = Array("hello, pipe".utf8)
        #expect(bytes.withUnsafeBytes { FileDescriptorIO.writeAll(ends[1], $0) } == nil)
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, buffer.count)
        #expect(Array(buffer[..<max(0, count)]) == bytes)
        #expect(bytes.withUnsafeBytes { FileDescriptorIO.writeAll(-1, $0) } == EBADF)
    }

    @Test func aNonBlockingDescriptorThatFillsUpIsWaitedForNotTakenForGone() {
        // stdout inherited with O_NONBLOCK set by the parent: a full pipe is EAGAIN, not a lost peer.
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        let reader = ends[0]
        let total = 1 << 20
        let drained = DetachedThread.startJoinable {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var seen = 0
            while seen < total {
                let count = read(reader, &buffer, buffer.count)
                if count <= 0 { break }
                seen += count
            }
        }
        let bytes = [UInt8](repeating: 7, count: total)
        #expect(bytes.withUnsafeBytes { FileDescriptorIO.writeAll(ends[1], $0) } == nil)
        close(ends[1])
        if case .success(let thread) = drained { pthread_join(pthread_t(thread), nil) }
    }

    @Test func everyByteIsSentAndAPeerThatIsGoneIsEPIPENotASignal() {
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        defer { close(ends[0]) }
        let bytes: [UInt8] = Array("hello, socket".utf8)
        #expect(bytes.withUnsafeBytes { FileDescriptorIO.sendAll(ends[0], $0) } == nil)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[1], &buffer, buffer.count)
        #expect(Array(buffer[..<max(0, count)]) == bytes)
        close(ends[1])
        // Without MSG_NOSIGNAL this would kill the test process with SIGPIPE.
        #expect(bytes.withUnsafeBytes { FileDescriptorIO.sendAll(ends[0], $0) } == EPIPE)
        #expect(bytes.withUnsafeBytes { FileDescriptorIO.sendAll(-1, $0) } == EBADF)
    }
}
