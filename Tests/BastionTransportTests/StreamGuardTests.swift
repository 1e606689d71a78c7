import BastionProtocol
import Testing

@testable import BastionTransport

/// A stream released once, however its response ends (StreamGuard.swift).
struct StreamGuardTests {
    @Test func aCompletedResponseForgetsItsDrainedStreamOnce() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try session.openStream(for: [.int(1)]).get()
        #expect(session.send(Array("answer".utf8), route: .response(to: .int(1))))
        #expect(await stream.next(OutboundStream.firstReader) != nil)
        let guarded = StreamGuard(
            stream: stream,
            reader: OutboundStream.firstReader,
            session: session,
            endsSession: false
        )
        guarded.close(completed: true)
        guarded.close(completed: false)  // a second close changes nothing
        #expect(session.detachedCount == 0)
        #expect(session.isIdle(for: .zero, now: .now + .seconds(1)))
    }

    /// Dropped unwritten (the guard goes away without a close): the stream is kept to resume.
    @Test func aDroppedResponseKeepsItsStream() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try session.openStream(for: [.int(1)]).get()
        do {
            _ = StreamGuard(stream: stream, reader: OutboundStream.firstReader, session: session, endsSession: false)
        }
        #expect(session.detachedCount == 1)
        #expect(session.isIdle(for: .zero, now: .now + .seconds(1)))
    }

    @Test func aGuardThatEndsItsSessionEndsIt() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .singleStream)
        let stream = try #require(session.openStandalone())
        StreamGuard(stream: stream, reader: OutboundStream.firstReader, session: session, endsSession: true)
            .close(completed: true)
        guard case .failure(.ended) = session.openStream(for: [.int(2)]) else {
            Issue.record("the session did not end")
            return
        }
    }
}
