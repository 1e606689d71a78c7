import HTTPTypes
import Hummingbird
import NIOCore

/// Writes an SSE response from a sequence of encoded events, with a keep-alive comment every
/// ``HTTPTransportSettings/keepAliveInterval``.
///
/// The keep-alive is how a client that went away is noticed: Hummingbird does not tell a
/// response being written that its connection closed, so without a write a stream nobody reads
/// (a GET stream, a listen) would hold its session or request for ever. The failed write ends
/// the pump, which stops reading its source: for an exchange that cancels the request (closing
/// the stream is the cancellation), for a session's stream it closes the stream.
enum EventStreamPump {
    private enum Item: Sendable {
        case event(ByteBuffer)
        case keepAlive
        case end
    }

    /// Writes `prefix`, then each buffer of `events`, until `events` ends (then finishes the body)
    /// or a write fails (then throws).
    static func run<Events: AsyncSequence & Sendable>(
        _ events: Events,
        prefix: ByteBuffer?,
        keepAlive interval: Duration,
        into writer: inout any ResponseBodyWriter
    ) async throws where Events.Element == ByteBuffer, Events.Failure == Never {
        if let prefix { try await writer.write(prefix) }
        let (items, input) = AsyncStream.makeStream(of: Item.self)
        // One event in flight: the source is read only as fast as the client takes it, so a slow
        // client leaves its messages where they are bounded (the exchange's, the session's queue).
        let (credits, credit) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var granted = credits.makeAsyncIterator()
                for await event in events {
                    input.yield(.event(event))
                    guard await granted.next() != nil else { return }
                }
                input.yield(.end)
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    input.yield(.keepAlive)
                }
            }
            defer {
                credit.finish()
                group.cancelAll()
            }
            let allocator = ByteBufferAllocator()
            for await item in items {
                switch item {
                case .event(let buffer):
                    try await writer.write(buffer)
                    credit.yield()
                case .keepAlive: try await writer.write(ServerSentEvents.keepAlive(allocator: allocator))
                case .end: return
                }
            }
        }
        try await writer.finish(nil)
    }
}
