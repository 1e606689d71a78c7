import Foundation
import Testing

@testable import BastionResources

/// A temporary file made with `mkstemp`, open for reading, unlinked when done.
private struct TemporaryFile: ~Copyable {
    let fd: Int32
    let size: Int64

    init(_ bytes: [UInt8]) throws {
        var template = Array("/tmp/bastion-linewindow.XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        unlink(template)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard result > 0 else { throw CocoaError(.fileWriteUnknown) }
            written += result
        }
        self.fd = fd
        self.size = Int64(bytes.count)
    }

    init(_ text: String) throws { try self.init(Array(text.utf8)) }

    deinit { close(fd) }

    func head(_ lines: Int, maxBytes: Int = 1 << 20) throws -> LineWindow.Excerpt {
        try LineWindow.head(fd: fd, lines: lines, maxBytes: maxBytes)
    }

    func tail(_ lines: Int, maxBytes: Int = 1 << 20) throws -> LineWindow.Excerpt {
        try LineWindow.tail(fd: fd, size: size, lines: lines, maxBytes: maxBytes)
    }
}

struct LineWindowTests {
    @Test(arguments: [
        ("a\nb\nc\n", 2, "a\nb"), ("a\nb\nc\n", 5, "a\nb\nc"), ("a\nb\nc", 3, "a\nb\nc"), ("a\n\nb\n", 2, "a\n"),
        ("a\r\nb\r\n", 1, "a\r"), ("a\r\nb\r\n", 5, "a\r\nb\r"), ("", 3, ""), ("a\nb\n", 0, ""), ("\n", 1, ""),
    ])
    func headReturnsTheFirstLinesJoinedByLineFeed(content: String, lines: Int, expected: String) throws {
        let file = try TemporaryFile(content)
        #expect(try file.head(lines) == LineWindow.Excerpt(text: expected, isTruncated: false))
    }

    @Test(arguments: [
        ("a\nb\nc\n", 2, "b\nc"), ("a\nb\nc", 2, "b\nc"), ("a\nb\nc\n", 9, "a\nb\nc"), ("a\n\n", 1, ""),
        ("a\r\nb\r\nc\r\n", 2, "b\nc"), ("a\r\nb", 5, "a\nb"), ("", 3, ""), ("a\nb\n", 0, ""), ("\n", 1, ""),
        ("\r\n", 1, ""), ("x", 1, "x"),
    ])
    func tailReturnsTheLastLinesWithoutCountingTheFinalNewline(content: String, lines: Int, expected: String) throws {
        let file = try TemporaryFile(content)
        #expect(try file.tail(lines) == LineWindow.Excerpt(text: expected, isTruncated: false))
    }

    @Test func linesLongerThanAChunkAreKeptWhole() throws {
        let long = String(repeating: "é", count: LineWindow.chunkSize)  // 2 bytes each: two chunks per line
        let file = try TemporaryFile("first\n\(long)\n\(long)x\nlast")
        #expect(try file.tail(3).text == "\(long)\n\(long)x\nlast")
        #expect(try file.head(3).text == "first\n\(long)\n\(long)x")
        #expect(try file.tail(2).text == "\(long)x\nlast")
    }

    @Test func tailReadsOnlyTheChunksItNeeds() throws {
        // 10 MiB of lines; the last 10 lines fit in the last chunk, so only that chunk is read.
        let line = Array(repeating: UInt8(ascii: "z"), count: 1023) + [UInt8(ascii: "\n")]
        let size = Int64(10 * 1024 * 1024)
        var offsets: [Int64] = []
        let reader: LineWindow.Reader = { buffer, offset in
            offsets.append(offset)
            for index in 0..<buffer.count {
                buffer[index] = line[Int((offset + Int64(index)) % 1024)]
            }
            return buffer.count
        }
        let excerpt = try LineWindow.tail(reader: reader, size: size, lines: 10, maxBytes: 1 << 20)
        #expect(excerpt.text.utf8.count == 10 * 1024 - 1)
        #expect(offsets == [size - Int64(LineWindow.chunkSize)])
    }

    @Test func headTruncatesAtMaxBytesOnACharacterBoundary() throws {
        let file = try TemporaryFile("ab€cd\nsecond\n")  // € is 3 bytes, at offsets 2..<5
        #expect(try file.head(2, maxBytes: 4) == LineWindow.Excerpt(text: "ab", isTruncated: true))
        #expect(try file.head(2, maxBytes: 5) == LineWindow.Excerpt(text: "ab€", isTruncated: true))
        #expect(try file.head(2, maxBytes: 14) == LineWindow.Excerpt(text: "ab€cd\nsecond", isTruncated: false))
    }

    @Test func tailTruncatesAtMaxBytesOnACharacterBoundary() throws {
        let file = try TemporaryFile("first\nab€cd\n")
        #expect(try file.tail(1, maxBytes: 4) == LineWindow.Excerpt(text: "cd", isTruncated: true))
        #expect(try file.tail(1, maxBytes: 5) == LineWindow.Excerpt(text: "€cd", isTruncated: true))
        #expect(try file.tail(1, maxBytes: 7) == LineWindow.Excerpt(text: "ab€cd", isTruncated: false))
    }

    @Test func truncatedTailOfAHugeLineReadsAboutMaxBytes() throws {
        let size = Int64(50 * 1024 * 1024)
        var bytesRead = 0
        let reader: LineWindow.Reader = { buffer, _ in
            buffer.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "q"))
            bytesRead += buffer.count
            return buffer.count
        }
        let excerpt = try LineWindow.tail(reader: reader, size: size, lines: 1, maxBytes: 100_000)
        #expect(excerpt.isTruncated)
        #expect(excerpt.text.utf8.count == 100_000)
        #expect(bytesRead <= 100_000 + 2 * LineWindow.chunkSize)
    }

    @Test func invalidUTF8IsReportedAsSuch() throws {
        let file = try TemporaryFile([0x61, 0x0A, 0xFF, 0xFE, 0x0A])
        #expect(try file.head(1).text == "a")
        let headError = #expect(throws: LineWindowError.self) { try file.head(2) }
        #expect(headError?.code == .invalidUTF8)
        let tailError = #expect(throws: LineWindowError.self) { try file.tail(1) }
        #expect(tailError?.code == .invalidUTF8)
    }

    @Test func aFileShorterThanItsSizeIsReported() throws {
        let file = try TemporaryFile("abc\n")
        let error = #expect(throws: LineWindowError.self) {
            try LineWindow.tail(fd: file.fd, size: 10, lines: 1, maxBytes: 100)
        }
        #expect(error?.code == .fileChanged)
    }

    @Test func aBadDescriptorIsAReadFailure() {
        let error = #expect(throws: LineWindowError.self) { try LineWindow.head(fd: -1, lines: 1, maxBytes: 10) }
        #expect(error?.code == .readFailed)
        #expect(error?.errno == EBADF)
    }

    @Test func headReadsNoFurtherThanTheSizeItIsGiven() throws {
        let file = try TemporaryFile("abc\ndef\nghi\n")
        #expect(try LineWindow.head(fd: file.fd, lines: 3, maxBytes: 100, fileBytes: 8).text == "abc\ndef")
        #expect(try LineWindow.head(fd: file.fd, lines: 9, maxBytes: 100, fileBytes: 0).text == "")
        #expect(try LineWindow.head(fd: file.fd, lines: 9, maxBytes: 100, fileBytes: 100).text == "abc\ndef\nghi")
    }

    @Test func theReadBoundCoversWhatAHugeLineMakesEitherWindowRead() throws {
        let size = 50 * 1024 * 1024
        var bytesRead = 0
        let reader: LineWindow.Reader = { buffer, offset in
            let count = max(0, min(buffer.count, size - Int(offset)))
            UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]).initializeMemory(
                as: UInt8.self,
                repeating: UInt8(ascii: "q")
            )
            bytesRead += count
            return count
        }
        for maxBytes in [0, 1, 100_000, LineWindow.chunkSize, 3 * LineWindow.chunkSize + 1] {
            bytesRead = 0
            _ = try LineWindow.head(reader: reader, lines: 1, maxBytes: maxBytes)
            #expect(bytesRead <= LineWindow.readBound(maxBytes: maxBytes, fileBytes: size))
            bytesRead = 0
            _ = try LineWindow.tail(reader: reader, size: Int64(size), lines: 1, maxBytes: maxBytes)
            #expect(bytesRead <= LineWindow.readBound(maxBytes: maxBytes, fileBytes: size))
        }
        #expect(LineWindow.readBound(maxBytes: 1 << 30, fileBytes: 10) == 10)
    }
}
