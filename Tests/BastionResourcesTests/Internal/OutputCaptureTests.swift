import CBastionLinux
import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct OutputCaptureTests {
    @Test func bytesBeyondTheCapAreReadAndDroppedAndFlagged() throws {
        var ends: [Int32] = [-1, -1]
        #expect(cbastion_pipe(&ends, 1) == 0)
        var capture = OutputCapture(descriptor: ends[0], cap: 4)
        let data = Array("abcdefgh".utf8)
        #expect(write(ends[1], data, data.count) == data.count)
        close(ends[1])
        var scratch = [UInt8](repeating: 0, count: 16)
        while capture.isOpen { capture.readAvailable(into: &scratch) }
        #expect(capture.bytes == Array("abcd".utf8))
        #expect(capture.isTruncated)
    }

    @Test func aFeedWritesEverythingThenClosesAndAnEmptyOneClosesAtOnce() throws {
        var ends: [Int32] = [-1, -1]
        #expect(cbastion_pipe(&ends, 0) == 0)
        var feed = InputFeed(descriptor: ends[1], bytes: Array("xyz".utf8))
        while feed.isOpen { feed.writeAvailable() }
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(read(ends[0], &buffer, 8) == 3)
        #expect(read(ends[0], &buffer, 8) == 0)
        close(ends[0])
        #expect(!InputFeed(descriptor: -1, bytes: []).isOpen)
    }
}
