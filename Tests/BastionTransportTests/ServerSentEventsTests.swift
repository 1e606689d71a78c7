import NIOCore
import Testing

@testable import BastionTransport

/// The SSE framing of MCP messages (ServerSentEvents.swift).
struct ServerSentEventsTests {
    let allocator = ByteBufferAllocator()

    @Test func aMessageIsOneMessageEventOnOneDataLine() {
        let event = ServerSentEvents.event(Array(#"{"jsonrpc":"2.0","id":1,"result":{}}"#.utf8), allocator: allocator)
        #expect(String(buffer: event) == "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n")
    }

    @Test func aResumableEventCarriesItsIDFirst() {
        let event = ServerSentEvents.event(Array("{}".utf8), id: "s1-7", allocator: allocator)
        #expect(String(buffer: event) == "id: s1-7\nevent: message\ndata: {}\n\n")
    }

    @Test func thePrimingEventHasAnIDEmptyDataAndTheRetryWhenGiven() {
        #expect(
            String(buffer: ServerSentEvents.priming(id: "s1-0", retryMilliseconds: 1000, allocator: allocator))
                == "id: s1-0\nretry: 1000\ndata: \n\n"
        )
        #expect(
            String(buffer: ServerSentEvents.priming(id: "a", retryMilliseconds: nil, allocator: allocator))
                == "id: a\ndata: \n\n"
        )
    }

    @Test func aKeepAliveIsAComment() {
        #expect(String(buffer: ServerSentEvents.keepAlive(allocator: allocator)) == ": \n\n")
    }
}
