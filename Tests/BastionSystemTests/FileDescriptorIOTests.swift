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
}
