import NIOCore

/// Encoded MCP messages as SSE `message` events, numbered `PREFIX-N` when the stream is
/// resumable (a session's), unnumbered otherwise (a 2026-07-28 exchange's).
struct SSEEvents: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = Never

    /// The next message of the source; `nil` once it has ended.
    let next: @Sendable () async -> [UInt8]?
    /// The stream's number in its session; `nil` for events without ids.
    let stream: Int?
    /// The sequence number of the first event.
    let firstSequence: Int

    init(stream: Int? = nil, firstSequence: Int = 0, next: @escaping @Sendable () async -> [UInt8]?) {
        self.next = next
        self.stream = stream
        self.firstSequence = firstSequence
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let next: @Sendable () async -> [UInt8]?
        let stream: Int?
        var sequence: Int
        let allocator = ByteBufferAllocator()

        mutating func next() async -> ByteBuffer? {
            guard let message = await next() else { return nil }
            defer { sequence += 1 }
            return ServerSentEvents.event(message, id: stream.map { "\($0)-\(sequence)" }, allocator: allocator)
        }

        mutating func next(isolation actor: isolated (any Actor)?) async -> ByteBuffer? {
            await next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: next, stream: stream, sequence: firstSequence)
    }
}
