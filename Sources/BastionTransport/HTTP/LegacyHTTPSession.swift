import BastionProtocol
import Synchronization

/// One handshake-era session over HTTP, as its MCP session sees it: one connection whose frames
/// are the bodies the client POSTs and whose messages go back on the stream of the request they
/// belong to (``RoutingMessageSink``) — a POST's response stream, or the standalone stream (the
/// GET stream of Streamable HTTP) for what concerns no request in flight.
///
/// A POST hands its body to the session on its own task (``FrameSource``: the session only
/// parses, admits and starts handlers, it never blocks), so what the session answers while
/// reading it — a parse error, a refused batch, both without an id — goes back on that POST.
///
/// With ``Mode/singleStream`` (2024-11-05 HTTP+SSE) every message goes on the one `/sse` stream,
/// answers included, and the POSTs only deliver; a client that stops reading that stream ends
/// its session once ``OutboundStream/maximumQueuedAnswers`` answers wait (its POSTs are not
/// slowed, so nothing else would bound them).
///
/// With ``Mode/streamable`` a stream whose connection drops before it finished is kept
/// (detached: its requests still run, their answers wait in it) until the client resumes it
/// (``resume(_:)``, a GET with `Last-Event-ID`), at most ``maximumDetachedStreams`` of them, the
/// oldest forgotten first; its sent events are kept within the session's ``ReplayBudget``.
final class LegacyHTTPSession: RoutingMessageSink, FrameSource {
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
        /// Every stream not forgotten yet (read, or detached), by number: what a resumption may name.
        var live: [Int: OutboundStream] = [:]
        /// The numbers of the detached streams, oldest first.
        var detached: [Int] = []
        var protocolVersion: ProtocolVersion?
        var nextStream = 1
        var lastActive: ContinuousClock.Instant
        var openRequests = 0
        var isEnded = false
        var receiver: (any FrameReceiver)?
        var readyWaiters: [CheckedContinuation<Bool, Never>] = []
        var deliveryEnd: CheckedContinuation<Void, Never>?
    }

    /// The POST stream whose body the session is reading on this task.
    @TaskLocal private static var reading: OutboundStream?

    /// The `MCP-Session-Id` (or 2024-11-05 `session_id`): 128 random bits, visible ASCII.
    let id: String
    /// The client the session belongs to: every request on it must authenticate as this client.
    let clientID: String
    let mode: Mode
    private let state: Mutex<State>
    /// Serializes the bodies handed to the session (concurrent POSTs are read one at a time).
    private let readLock = Mutex(())
    /// The random tag of this session's event ids (``SSEEventID``).
    let eventTag: UInt32
    /// The bytes its streams keep for replay.
    let replayBudget: ReplayBudget

    /// Streams whose connection dropped a session keeps for resumption; past it the oldest is forgotten.
    static let maximumDetachedStreams = 32

    init(id: String, clientID: String, mode: Mode, replayBudget: ReplayBudget = ReplayBudget()) {
        self.id = id
        self.clientID = clientID
        self.mode = mode
        var generator = SystemRandomNumberGenerator()
        self.eventTag = generator.next()
        self.replayBudget = replayBudget
        state = Mutex(State(lastActive: .now))
    }

    /// The `id` of event `sequence` of stream `number`.
    func eventID(stream number: Int, sequence: Int) -> String {
        SSEEventID(tag: eventTag, stream: number, sequence: sequence).description
    }

    /// Records the version the `initialize` answer negotiated.
    func negotiated(_ version: ProtocolVersion?) {
        state.withLock { $0.protocolVersion = version }
    }

    /// Whether its POST streams open with a priming event (2025-11-25 and later): older clients
    /// may not expect an event without data.
    var primesStreams: Bool {
        state.withLock { state in state.protocolVersion.map { $0 >= .v2025_11_25 } ?? false }
    }

    /// The budget a new stream keeps its replay log in; `nil` for 2024-11-05, which cannot resume.
    private var streamBudget: ReplayBudget? { mode == .streamable ? replayBudget : nil }

    // MARK: Inbound (the MCP session's source)

    func deliver(to receiver: any FrameReceiver) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>]? in
                    guard !state.isEnded else { return nil }
                    state.receiver = receiver
                    state.deliveryEnd = continuation
                    defer { state.readyWaiters = [] }
                    return state.readyWaiters
                }
                guard let waiters else {
                    continuation.resume()
                    return
                }
                for waiter in waiters { waiter.resume(returning: true) }
            }
        } onCancel: {
            end()
        }
    }

    /// Waits until the MCP session reads this one's bodies; `false` when it ended first.
    func ready() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer = state.withLock { state -> Bool? in
                if state.isEnded { return false }
                if state.receiver != nil { return true }
                state.readyWaiters.append(continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Hands a POSTed body to the session, on the calling task; `false` once the session has
    /// ended. What the session answers while reading it without an id goes to `stream`.
    @discardableResult
    func deliver(_ body: [UInt8], answeringOn stream: OutboundStream? = nil) -> Bool {
        let receiver = state.withLock { state -> (any FrameReceiver)? in
            state.lastActive = .now
            return state.isEnded ? nil : state.receiver
        }
        guard let receiver else { return false }
        readLock.withLock { _ in
            Self.$reading.withValue(stream) {
                body.withUnsafeBytes { receiver.receive($0) }
            }
        }
        return true
    }

    /// Opens the stream that will carry the answers to `ids` (a POST's); `nil` when the session
    /// has ended (`ended`) or one of them is already waiting for its answer.
    func openStream(for ids: [RequestID]) -> Result<OutboundStream, OpenFailure> {
        state.withLock { state -> Result<OutboundStream, OpenFailure> in
            guard !state.isEnded else { return .failure(.ended) }
            guard ids.allSatisfy({ state.waiting[$0] == nil }) else { return .failure(.duplicateID) }
            let stream = OutboundStream(number: state.nextStream, pending: Set(ids), budget: streamBudget)
            state.nextStream += 1
            state.live[stream.number] = stream
            for id in ids { state.waiting[id] = stream }
            state.openRequests += 1
            state.lastActive = .now
            return .success(stream)
        }
    }

    /// Why a stream could not be opened.
    enum OpenFailure: Error {
        case ended, duplicateID
    }

    /// Opens the standalone stream, replacing one still open (its client reconnected: the old
    /// one may not have noticed yet that it is gone); `nil` once the session has ended.
    func openStandalone() -> OutboundStream? {
        let (stream, replaced) = state.withLock { state -> (OutboundStream?, OutboundStream?) in
            guard !state.isEnded else { return (nil, nil) }
            let stream = OutboundStream(standalone: state.nextStream, budget: streamBudget)
            state.nextStream += 1
            let replaced = state.standalone
            state.standalone = stream
            state.live[stream.number] = stream
            if let replaced { forget(replaced, in: &state) }
            state.openRequests += 1
            state.lastActive = .now
            return (stream, replaced)
        }
        if let replaced { Self.discard(replaced) }
        return stream
    }

    /// A stream's response has ended and the stream is done with (answered in full, or not to
    /// be resumed): it is forgotten.
    func closed(_ stream: OutboundStream) {
        state.withLock { state in
            forget(stream, in: &state)
            state.openRequests -= 1
            state.lastActive = .now
        }
        Self.discard(stream)
    }

    /// `reader`'s response carrying `stream` has ended, however: a stream it drained and wrote
    /// in full is forgotten; one it left unfinished, or whose last events may not have reached
    /// the client (`completed` false: the write failed), is detached for a resumption
    /// (``Mode/streamable``; the 2024-11-05 stream is the session and is forgotten); one another
    /// reader took over, or one forgotten already, is left alone.
    func release(_ stream: OutboundStream, reader: OutboundStream.Reader, completed: Bool = true) {
        let forgotten = state.withLock { state -> [OutboundStream] in
            state.openRequests -= 1
            state.lastActive = .now
            guard state.live[stream.number] === stream, stream.isCurrent(reader) else { return [] }
            // Review 15, finding 2: an answer taken but not written is still in the log.
            guard mode == .streamable, !stream.isDrained || !completed, !state.isEnded else {
                forget(stream, in: &state)
                return [stream]
            }
            stream.detach(reader)
            state.detached.append(stream.number)
            var forgotten: [OutboundStream] = []
            while state.detached.count > Self.maximumDetachedStreams {
                let number = state.detached.removeFirst()
                guard let oldest = state.live[number] else { continue }
                forget(oldest, in: &state)
                forgotten.append(oldest)
            }
            return forgotten
        }
        for stream in forgotten { Self.discard(stream) }
    }

    /// Why a resumption was refused.
    enum ResumeFailure: Error, Equatable {
        /// The id is not one this session sent (another session's, a stream or an event it never had).
        case notIssued
        /// The stream has ended and was forgotten, or what followed the event is no longer kept.
        case gone
    }

    /// The stream `eventID` names, taken over by a new reader that gets what followed that event.
    func resume(_ eventID: SSEEventID) -> Result<(OutboundStream, OutboundStream.Reader), ResumeFailure> {
        state.withLock { state -> Result<(OutboundStream, OutboundStream.Reader), ResumeFailure> in
            guard mode == .streamable, eventID.tag == eventTag, eventID.stream < state.nextStream, !state.isEnded
            else { return .failure(.notIssued) }
            guard let stream = state.live[eventID.stream] else { return .failure(.gone) }
            switch stream.resume(after: eventID.sequence) {
            case .failure(.neverSent): return .failure(.notIssued)
            case .failure(.expired): return .failure(.gone)
            case .success(let reader):
                state.detached.removeAll { $0 == stream.number }
                state.openRequests += 1
                state.lastActive = .now
                return .success((stream, reader))
            }
        }
    }

    /// The streams kept for a resumption, for tests.
    var detachedCount: Int { state.withLock { $0.detached.count } }

    /// Drops `stream` from the session's tables (the caller then ``discard(_:)``s it).
    private func forget(_ stream: OutboundStream, in state: inout State) {
        if state.standalone === stream { state.standalone = nil }
        if state.live[stream.number] === stream { state.live[stream.number] = nil }
        state.detached.removeAll { $0 == stream.number }
        state.waiting = state.waiting.filter { $0.value !== stream }
    }

    /// Finishes a forgotten stream and frees its replay log.
    private static func discard(_ stream: OutboundStream) {
        stream.finish()
        stream.discardLog()
    }

    /// Whether no request has been open for `idle` (the session may be reaped).
    func isIdle(for idle: Duration, now: ContinuousClock.Instant) -> Bool {
        state.withLock { $0.openRequests == 0 && now - $0.lastActive >= idle }
    }

    /// Ends the session: no more bodies (the MCP session closes once its calls are done) and
    /// every stream finished.
    func end() {
        let (streams, waiters, deliveryEnd) = state.withLock {
            state -> ([OutboundStream], [CheckedContinuation<Bool, Never>], CheckedContinuation<Void, Never>?) in
            state.isEnded = true
            var all = Array(state.waiting.values) + Array(state.live.values)
            if let standalone = state.standalone { all.append(standalone) }
            state.waiting = [:]
            state.standalone = nil
            state.live = [:]
            state.detached = []
            state.receiver = nil
            defer {
                state.readyWaiters = []
                state.deliveryEnd = nil
            }
            return (all, state.readyWaiters, state.deliveryEnd)
        }
        for waiter in waiters { waiter.resume(returning: false) }
        deliveryEnd?.resume()
        for stream in streams { Self.discard(stream) }
    }

    // MARK: Outbound (the MCP session's sink)

    func send(_ message: consuming [UInt8]) -> Bool {
        send(message, route: .related(to: nil))
    }

    func send(_ message: consuming [UInt8], route: MessageRoute) -> Bool {
        if mode == .singleStream { return sendOnTheOneStream(message, route: route) }
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
        case .refusal:
            // The POST being read was refused whole: its stream ends with the error.
            guard let stream = Self.reading else { return state.withLock({ $0.standalone })?.send(message) ?? false }
            let ids = state.withLock { state -> [RequestID] in
                let ids = state.waiting.filter { $0.value === stream }.map(\.key)
                for id in ids { state.waiting[id] = nil }
                return ids
            }
            stream.answer(message, ids: ids, finishing: true)
            return true
        case .related(let id):
            // The request's own stream; else the standalone one. Never another request's.
            let stream = state.withLock { state -> OutboundStream? in
                if let id, let stream = state.waiting[id] { return stream }
                return state.standalone
            }
            return stream?.send(message) ?? false
        }
    }

    /// 2024-11-05: everything on the `/sse` stream; a client that does not read it loses its session.
    private func sendOnTheOneStream(_ message: consuming [UInt8], route: MessageRoute) -> Bool {
        guard let stream = state.withLock({ $0.standalone }) else { return false }
        switch route {
        case .response, .batch, .refusal:
            guard stream.answer(message, ids: []) else {
                end()
                return false
            }
            return true
        case .related:
            return stream.send(message)
        }
    }
}
