import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct WholeFileReadTests {
    @Test func theSizeIsKnownBeforeReadingAndTheBytesAreExact() throws {
        let fixture = try FileSystemFixture()
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: fixture.workdir + "/data.bin"))
        let target = try fixture.manager.authorize("data.bin", for: .read, client: fixture.client)
        let read = try fixture.manager.openForWholeRead(target, maxBytes: 1 << 20)
        #expect(read.byteCount == 100_000)
        let result = try read.read()
        #expect(result == bytes)
        #expect(result.capacity < 100_000 + 4_096)
    }

    @Test func aFileLargerThanTheLimitIsRefusedBeforeReading() throws {
        let fixture = try FileSystemFixture()
        try fixture.write(String(repeating: "x", count: 2_000), to: fixture.workdir + "/big.txt")
        let target = try fixture.manager.authorize("big.txt", for: .read, client: fixture.client)
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.openForWholeRead(target, maxBytes: 1_000)
        }
        #expect(error?.kind == .limit)
        #expect(error?.message.contains("2000 bytes") == true)
    }

    @Test func aFileThatGrowsAfterItsOpenIsReadUpToItsSizeThen() throws {
        let fixture = try FileSystemFixture()
        let path = fixture.workdir + "/log.txt"
        try fixture.write("first\n", to: path)
        let target = try fixture.manager.authorize("log.txt", for: .read, client: fixture.client)
        let read = try fixture.manager.openForWholeRead(target, maxBytes: 1 << 20)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("second\n".utf8))
        try handle.close()
        #expect(try read.read() == Array("first\n".utf8))
    }

    @Test func aFileThatShrinksIsReadToItsEnd() throws {
        let fixture = try FileSystemFixture()
        let path = fixture.workdir + "/t.txt"
        try fixture.write("0123456789", to: path)
        let target = try fixture.manager.authorize("t.txt", for: .read, client: fixture.client)
        let read = try fixture.manager.openForWholeRead(target, maxBytes: 1 << 20)
        #expect(truncate(path, 4) == 0)
        #expect(try read.read() == Array("0123".utf8))
    }

    @Test func aFileReportingNoSizeIsReadUpToTheCapForPseudoFiles() throws {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
        let read = try WholeFileRead(
            file: Descriptor(descriptor),
            size: 0,
            maxBytes: 64 << 20,
            path: "/proc/self/status"
        )
        #expect(read.byteCount == WholeFileRead.pseudoFileBytes)
        let text = String(decoding: try read.read(), as: UTF8.self)
        #expect(text.contains("VmHWM:"))
        let other = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        try #require(other >= 0)
        let small = try WholeFileRead(file: Descriptor(other), size: 0, maxBytes: 10, path: "p")
        #expect(small.byteCount == 10)
        #expect(try small.read().count == 10)
    }
}
