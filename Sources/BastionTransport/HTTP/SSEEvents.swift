import NIOCore

/// Encoded MCP messages as SSE `message` events, each with the `id` its source gives (a
/// session's stream: ``SSEEventID``), or none (a 2026-07-28 exchange's).
struct SSEEvents: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = Never

    /// One message and the id of its event.
    struct Message: Sendable {
        let id: String?
        let json: [UInt8]

        init(id: String? = nil, json: [UInt8]) {
            self.id = id
            self.json = json
        }
    }

    /// The next message of the source; `nil` once it has ended.
    let next: @Sendable () async -> Message?

    init(next: @escaping @Sendable () async -> Message?) {
        self.next = next
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let next: @Sendable () async -> Message?
        let allocator = ByteBufferAllocator()

        mutating func next() async -> ByteBuffer? {
            guard let message = await next() else { return nil }
            return ServerSentEvents.event(message.json, id: message.id, allocator: allocator)
        }

        mutating func next(isolation actor: isolated (any Actor)?) async -> ByteBuffer? {
            await next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: next)
    }
}
