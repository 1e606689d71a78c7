import BastionProtocol
import Synchronization

/// One handshake-era session over HTTP, as its MCP session sees it: one connection whose frames
/// are the bodies the client POSTs and whose messages go back on the stream of the request they
/// belong to (``RoutingMessageSink``) — a POST's response stream, or the standalone stream (the
/// GET stream of Streamable HTTP) for what concerns no request in flight.
///
/// With ``Mode/singleStream`` (2024-11-05 HTTP+SSE) every message goes on the one `/sse` stream,
/// answers included, and the POSTs only deliver.
final class LegacyHTTPSession: RoutingMessageSink {
    /// How answers travel.
    enum Mode: Sendable {
        /// Streamable HTTP (2025-03-26 …): each POST carries its own answers.
        case streamable
        /// HTTP+SSE (2024-11-05): every message on the session's one stream.
        case singleStream
    }

    private struct State {
        var waiting: [RequestID: OutboundStream] = [:]
        var standalone: OutboundStream?
        var nextStream = 1
        var lastActive: ContinuousClock.Instant
        var openRequests = 0
        var isEnded = false
    }

    /// The `MCP-Session-Id` (or 2024-11-05 `session_id`): 128 random bits, visible ASCII.
    let id: String
    /// The client the session belongs to: every request on it must authenticate as this client.
    let clientID: String
    let mode: Mode
    /// What the client POSTs, in order, for the MCP session to read.
    let frames: AsyncStream<Frame>
    private let input: AsyncStream<Frame>.Continuation
    private let state: Mutex<State>

    init(id: String, clientID: String, mode: Mode) {
        self.id = id
        self.clientID = clientID
        self.mode = mode
        (frames, input) = AsyncStream.makeStream(of: Frame.self)
        state = Mutex(State(lastActive: .now))
    }

    // MARK: Inbound

    /// Hands a POSTed body to the session; `false` once the session has ended.
    @discardableResult
    func deliver(_ body: [UInt8]) -> Bool {
        let isOpen = state.withLock { state -> Bool in
            state.lastActive = .now
            return !state.isEnded
        }
        guard isOpen else { return false }
        if case .terminated = input.yield(.message(body)) { return false }
        return true
    }

    /// Opens the stream that will carry the answers to `ids` (a POST's); `nil` when one of them
    /// is already waiting for its answer, or the session has ended.
    func openStream(for ids: [RequestID]) -> OutboundStream? {
        state.withLock { state -> OutboundStream? in
            guard !state.isEnded, ids.allSatisfy({ state.waiting[$0] == nil }) else { return nil }
            let stream = OutboundStream(number: state.nextStream, pending: Set(ids))
            state.nextStream += 1
            for id in ids { state.waiting[id] = stream }
            state.openRequests += 1
            state.lastActive = .now
            return stream
        }
    }

    /// Opens the standalone stream; `nil` when one is open already (409) or the session ended.
    func openStandalone() -> OutboundStream? {
        state.withLock { state -> OutboundStream? in
            guard !state.isEnded, state.standalone == nil else { return nil }
            let stream = OutboundStream(standalone: state.nextStream)
            state.nextStream += 1
            state.standalone = stream
            state.openRequests += 1
            state.lastActive = .now
            return stream
        }
    }

    /// A stream's response has ended (written, or the client went away).
    func closed(_ stream: OutboundStream) {
        stream.finish()
        state.withLock { state in
            if state.standalone === stream { state.standalone = nil }
            state.waiting = state.waiting.filter { $0.value !== stream }
            state.openRequests -= 1
            state.lastActive = .now
        }
    }

    /// Whether no request has been open for `idle` (the session may be reaped).
    func isIdle(for idle: Duration, now: ContinuousClock.Instant) -> Bool {
        state.withLock { $0.openRequests == 0 && now - $0.lastActive >= idle }
    }

    /// Ends the session: no more frames (the MCP session closes once its calls are done) and
    /// every stream finished.
    func end() {
        let streams = state.withLock { state -> [OutboundStream] in
            state.isEnded = true
            var all = Array(state.waiting.values)
            if let standalone = state.standalone { all.append(standalone) }
            state.waiting = [:]
            state.standalone = nil
            return all
        }
        input.finish()
        for stream in streams { stream.finish() }
    }

    // MARK: Outbound (the MCP session's sink)

    func send(_ message: consuming [UInt8]) -> Bool {
        send(message, route: .related(to: nil))
    }

    func send(_ message: consuming [UInt8], route: MessageRoute) -> Bool {
        if mode == .singleStream {
            guard let stream = state.withLock({ $0.standalone }) else { return false }
            switch route {
            case .response, .batch:
                stream.answer(message, ids: [])
                return true
            case .related:
                return stream.send(message)
            }
        }
        switch route {
        case .response(let id):
            guard let stream = state.withLock({ $0.waiting.removeValue(forKey: id) }) else { return false }
            stream.answer(message, ids: [id])
            return true
        case .batch(let ids):
            let stream = state.withLock { state -> OutboundStream? in
                var found: OutboundStream?
                for id in ids { found = state.waiting.removeValue(forKey: id) ?? found }
                return found
            }
            guard let stream else { return false }
            stream.answer(message, ids: ids)
            return true
        case .related(let id):
            // The request's own stream; else the standalone one; else any stream still open
            // (a message that concerns no request is never lost while the client listens).
            let stream = state.withLock { state -> OutboundStream? in
                if let id, let stream = state.waiting[id] { return stream }
                return state.standalone ?? state.waiting.values.first
            }
            return stream?.send(message) ?? false
        }
    }
}
