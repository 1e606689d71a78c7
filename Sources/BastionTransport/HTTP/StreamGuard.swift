import Synchronization

/// Releases a session's stream once, when its response ends or is dropped unwritten
/// (``LegacyHTTPSession/release(_:reader:completed:)``: forgotten, or kept for a resumption).
final class StreamGuard: Sendable {
    private let stream: OutboundStream
    private let reader: OutboundStream.Reader
    private let session: LegacyHTTPSession
    private let endsSession: Bool
    private let isClosed = Mutex(false)

    init(stream: OutboundStream, reader: OutboundStream.Reader, session: LegacyHTTPSession, endsSession: Bool) {
        self.stream = stream
        self.reader = reader
        self.session = session
        self.endsSession = endsSession
    }

    /// - Parameter completed: Whether every event was written; when not, even a stream whose
    ///   events were all taken is kept, since the last of them may never have reached the client.
    func close(completed: Bool) {
        guard
            !isClosed.withLock({ closed in
                defer { closed = true }
                return closed
            })
        else { return }
        session.release(stream, reader: reader, completed: completed)
        if endsSession { session.end() }
    }

    deinit { close(completed: false) }
}
