import Testing

@testable import BastionTransport

struct LineFramerTests {
    typealias Event = RecordingReceiver.Event

    /// Feeds `chunks` to a framer in order, then `finish` if asked, and returns what it emitted.
    private func frames(_ chunks: [[UInt8]], maxFrameBytes: Int = 64, finish: Bool = true) -> [Event] {
        var framer = LineFramer(maxFrameBytes: maxFrameBytes)
        var events: [Event] = []
        let emit: (LineFramer.Event) -> Void = { event in
            switch event {
            case .frame(let bytes): events.append(.frame(String(decoding: bytes, as: UTF8.self)))
            case .oversized(let count): events.append(.oversized(count))
            }
        }
        for chunk in chunks { chunk.withUnsafeBytes { framer.append($0, emit) } }
        if finish { framer.finish(emit) }
        return events
    }

    private func frames(_ chunks: [String], maxFrameBytes: Int = 64, finish: Bool = true) -> [Event] {
        frames(chunks.map { Array($0.utf8) }, maxFrameBytes: maxFrameBytes, finish: finish)
    }

    /// `text` cut into chunks of `size` bytes.
    private func chunked(_ text: String, size: Int) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }

    @Test func oneLineInOneChunk() {
        #expect(frames([#"{"a":1}"# + "\n"]) == [.frame(#"{"a":1}"#)])
    }

    @Test func severalLinesInOneChunk() {
        #expect(frames(["a\nb\nc\n"]) == [.frame("a"), .frame("b"), .frame("c")])
    }

    @Test func aLineSplitAcrossChunks() {
        #expect(frames([#"{"a""#, ":1", "}\nnext", "\n"]) == [.frame(#"{"a":1}"#), .frame("next")])
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64])
    func theChunkSizeDoesNotChangeTheFrames(size: Int) {
        let text = "first\nsecond line\r\n\n  \nthird\r\n" + String(repeating: "x", count: 70) + "\nlast"
        let expected: [Event] = [
            .frame("first"), .frame("second line"), .frame("third"), .oversized(70), .frame("last"),
        ]
        #expect(frames(chunked(text, size: size)) == expected)
    }

    @Test func crlfLineEndingsAreRemoved() {
        #expect(frames(["a\r\nb\r\n"]) == [.frame("a"), .frame("b")])
    }

    @Test func aCarriageReturnSplitFromItsNewlineIsStillRemoved() {
        #expect(frames(["abc\r", "\ndef\r", "\n"]) == [.frame("abc"), .frame("def")])
    }

    @Test func onlyATrailingCarriageReturnIsRemoved() {
        #expect(frames(["a\rb\n"]) == [.frame("a\rb")])
    }

    @Test func blankLinesAreSkipped() {
        #expect(frames(["\n\n  \n\t\n\r\n \t \r\na\n\n"]) == [.frame("a")])
    }

    @Test func surroundingSpacesOfAFrameAreKept() {
        #expect(frames(["  {} \n"]) == [.frame("  {} ")])
    }

    @Test func aLastLineWithoutNewlineWaitsForFinish() {
        #expect(frames(["a\nlast"], finish: false) == [.frame("a")])
        #expect(frames(["a\nlast"], finish: true) == [.frame("a"), .frame("last")])
        #expect(frames(["a\nla", "st\r"]) == [.frame("a"), .frame("last")])
    }

    @Test func finishWithNothingPendingEmitsNothing() {
        var framer = LineFramer(maxFrameBytes: 8)
        var count = 0
        framer.finish { _ in count += 1 }
        Array("a\n".utf8).withUnsafeBytes { framer.append($0) { _ in count += 1 } }
        framer.finish { _ in count += 1 }
        framer.finish { _ in count += 1 }
        #expect(count == 1)
    }

    @Test func aLineExactlyAtTheLimitIsAccepted() {
        let line = String(repeating: "x", count: 8)
        #expect(frames([line + "\n"], maxFrameBytes: 8) == [.frame(line)])
        #expect(frames([line + "\r\n"], maxFrameBytes: 8) == [.frame(line)])
        #expect(frames(chunked(line + "\r\n", size: 3), maxFrameBytes: 8) == [.frame(line)])
        #expect(frames(chunked(line + "\n", size: 1), maxFrameBytes: 8) == [.frame(line)])
        #expect(frames([line], maxFrameBytes: 8) == [.frame(line)])
    }

    @Test(arguments: [9, 10, 100, 1000])
    func aLongerLineIsOversizedWithItsExactLength(length: Int) {
        let line = String(repeating: "y", count: length)
        let expected: [Event] = [.oversized(length), .frame("ok")]
        #expect(frames([line + "\nok\n"], maxFrameBytes: 8) == expected)
        for size in [1, 3, 8, 9, 64] {
            #expect(frames(chunked(line + "\nok\n", size: size), maxFrameBytes: 8) == expected, "chunk size \(size)")
        }
    }

    @Test func anOversizedLastLineIsReportedByFinish() {
        let line = String(repeating: "z", count: 30)
        #expect(frames(chunked("ok\n" + line, size: 4), maxFrameBytes: 8, finish: false) == [.frame("ok")])
        #expect(frames(chunked("ok\n" + line, size: 4), maxFrameBytes: 8) == [.frame("ok"), .oversized(30)])
        #expect(frames(["ok\n" + line], maxFrameBytes: 8) == [.frame("ok"), .oversized(30)])
    }

    @Test func framesAfterAnOversizedLineInTheSameChunkStillWork() {
        let events = frames(["a\n" + String(repeating: "x", count: 20) + "\nb\nc\n"], maxFrameBytes: 8)
        #expect(events == [.frame("a"), .oversized(20), .frame("b"), .frame("c")])
    }

    @Test func anOversizedCRLFLineHasTheSameCountWhateverTheChunking() {
        let line = String(repeating: "x", count: 10) + "\r\n"
        for size in 1...line.utf8.count {
            #expect(frames(chunked(line, size: size), maxFrameBytes: 8) == [.oversized(10)], "chunk size \(size)")
        }
    }

    /// Found by `scripts/fuzz json`: at end of input, a discarded last line kept its `\r` in the count.
    @Test func anOversizedLastLineEndingInCRHasTheSameCountWhateverTheChunking() {
        let line = String(repeating: "x", count: 10) + "\r"
        for size in 1...line.utf8.count {
            #expect(frames(chunked(line, size: size), maxFrameBytes: 8) == [.oversized(10)], "chunk size \(size)")
        }
    }

    @Test func twentyMegabytesOnOneLineGiveOneOversizedEvent() {
        var framer = LineFramer(maxFrameBytes: 4 << 20)
        var events: [Event] = []
        let emit: (LineFramer.Event) -> Void = { event in
            switch event {
            case .frame(let bytes): events.append(.frame(String(decoding: bytes, as: UTF8.self)))
            case .oversized(let count): events.append(.oversized(count))
            }
        }
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 << 10)
        let total = 20 << 20
        for _ in 0..<(total / chunk.count) {
            chunk.withUnsafeBytes { framer.append($0, emit) }
            // Nothing is emitted while the line is still open.
            if !events.isEmpty { break }
        }
        #expect(events.isEmpty)
        Array("\n{}\n".utf8).withUnsafeBytes { framer.append($0, emit) }
        #expect(events == [.oversized(total), .frame("{}")])
    }
}
