import BastionProtocol
import Synchronization

/// The messages of one running exchange as the HTTP transport reads them — first in the request
/// handler (is the first message the response?), then in the SSE body's writer — and what must
/// happen once however the response ends: the client released, and, when the response was never
/// written to its end, the exchange cancelled.
///
/// Hummingbird may drop a response body without running it (the connection closed first); the
/// deinitializer then does what ``end()`` or ``cancel()`` would have.
final class ExchangeStream: Sendable {
    private let exchange: MCPExchange
    // Read by one task at a time: the handler awaits the first message and returns before the
    // body writer, which reads the rest, starts.
    private nonisolated(unsafe) var iterator: MCPExchange.Messages.AsyncIterator
    private let release: Mutex<(@Sendable () -> Void)?>

    init(_ exchange: MCPExchange, release: @escaping @Sendable () -> Void) {
        self.exchange = exchange
        self.iterator = exchange.messages.makeAsyncIterator()
        self.release = Mutex(release)
    }

    /// The next message; `nil` once the exchange has ended.
    func next() async -> MCPExchange.Message? {
        await iterator.next()
    }

    /// The response was written to its end: the client is released.
    func end() {
        release.withLock { release in
            defer { release = nil }
            return release
        }?()
    }

    /// The response was cut short: the request is cancelled and the client released.
    func cancel() {
        exchange.cancel()
        end()
    }

    deinit {
        if release.withLock({ $0 != nil }) { cancel() }
    }
}
