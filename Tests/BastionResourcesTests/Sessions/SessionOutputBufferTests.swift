import Testing

@testable import BastionResources

struct SessionOutputBufferTests {
    @Test func readsFromAnOffsetReturnTheNextOffsetAndNothingTwice() {
        var buffer = SessionOutputBuffer(capacity: 16)
        buffer.append(Array("hello ".utf8))
        let first = buffer.read(from: 0)
        #expect(first.bytes == Array("hello ".utf8) && first.nextOffset == 6 && first.dropped == 0)
        buffer.append(Array("world".utf8))
        let second = buffer.read(from: first.nextOffset)
        #expect(second.bytes == Array("world".utf8) && second.nextOffset == 11)
        #expect(buffer.read(from: second.nextOffset).bytes.isEmpty)
    }

    @Test func discardedBytesKeepOffsetsCountingAndAreReportedAsDropped() {
        var buffer = SessionOutputBuffer(capacity: 4)
        buffer.append(Array("abcdef".utf8))
        buffer.append(Array("gh".utf8))
        #expect(buffer.startOffset == 4 && buffer.endOffset == 8)
        let slice = buffer.read(from: 1)
        #expect(slice.bytes == Array("efgh".utf8))
        #expect(slice.dropped == 3 && slice.nextOffset == 8)
        #expect(buffer.read(from: 6).bytes == Array("gh".utf8))
        #expect(buffer.read(from: 6).dropped == 0)
    }

    @Test func aChunkLargerThanTheCapacityKeepsItsTail() {
        var buffer = SessionOutputBuffer(capacity: 3)
        buffer.append(Array("ab".utf8))
        buffer.append(Array("cdefg".utf8))
        #expect(buffer.read(from: 0).bytes == Array("efg".utf8))
        #expect(buffer.read(from: 0).dropped == 4)
        #expect(buffer.discarded == 4)
    }

    @Test func anOffsetBeyondTheEndReadsNothingAtTheEndAndALimitCuts() {
        var buffer = SessionOutputBuffer(capacity: 8)
        buffer.append(Array("abc".utf8))
        let beyond = buffer.read(from: 100)
        #expect(beyond.bytes.isEmpty && beyond.nextOffset == 3 && beyond.dropped == 0)
        let limited = buffer.read(from: 0, limit: 2)
        #expect(limited.bytes == Array("ab".utf8) && limited.nextOffset == 2)
    }

    @Test(arguments: [
        ([UInt8](), 0), (Array("ab".utf8), 2), ([0x61, 0xC3], 1), ([0x61, 0xC3, 0xA9], 3),
        ([0xE2, 0x82], 0), ([0xF0, 0x9F, 0x98], 0), ([0xF0, 0x9F, 0x98, 0x80], 4), ([0x80, 0x80, 0x80, 0x80, 0x80], 5),
    ])
    func aTrailingIncompleteCharacterIsHeldBack(_ bytes: [UInt8], _ complete: Int) {
        #expect(SessionOutputBuffer.completeUTF8Prefix(bytes) == complete)
    }
}
