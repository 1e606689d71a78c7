import NIOCore
import NIOWebSocket
import Testing

@testable import BastionTransport

/// A WebSocket session's outgoing queue (WebSocketSink.swift).
struct WebSocketSinkTests {
    @Test func messagesAndControlFramesComeOutInOrder() async {
        let sink = WebSocketSink()
        #expect(sink.send(Array("one".utf8)))
        sink.control(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
        #expect(sink.send(Array("two".utf8)))
        sink.close(.normalClosure)
        var seen: [String] = []
        for await frame in sink.outgoing {
            switch frame {
            case .message(let bytes): seen.append(String(decoding: bytes, as: UTF8.self))
            case .control(let control): seen.append(control.opcode == .pong ? "pong" : "close")
            }
        }
        #expect(seen == ["one", "pong", "two", "close"])
    }

    @Test func aClientThatLeavesTooMuchUnreadEndsTheQueue() {
        let sink = WebSocketSink()
        for _ in 0..<WebSocketSink.maximumMessages { #expect(sink.send([0x7B])) }
        #expect(!sink.send([0x7B]))
        #expect(sink.isFinished)
        #expect(!sink.send([0x7B]))
    }

    @Test func moreBytesThanTheBudgetEndTheQueueAndTakenFreesThem() {
        let sink = WebSocketSink()
        let half = [UInt8](repeating: 0x20, count: WebSocketSink.maximumBytes / 2)
        #expect(sink.send(half))
        sink.taken(half.count)
        #expect(sink.send(half))
        #expect(sink.send(half))
        #expect(!sink.send([0x20]))
        #expect(sink.isFinished)
    }
}
