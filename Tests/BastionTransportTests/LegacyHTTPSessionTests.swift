import BastionProtocol
import Synchronization
import Testing

@testable import BastionTransport

/// Where a handshake-era session's messages go (LegacyHTTPSession.swift).
struct LegacyHTTPSessionTests {
    private func text(_ stream: OutboundStream) async -> String? {
        await stream.next().map { String(decoding: $0, as: UTF8.self) }
    }

    private func open(_ session: LegacyHTTPSession, _ ids: [RequestID]) throws -> OutboundStream {
        try session.openStream(for: ids).get()
    }

    /// A receiver that answers each body through `respond`, on the delivering task.
    final class Receiver: FrameReceiver {
        let bodies = Mutex<[String]>([])
        let respond: @Sendable (String) -> Void
        init(respond: @escaping @Sendable (String) -> Void = { _ in }) { self.respond = respond }
        func receive(_ frame: UnsafeRawBufferPointer) {
            let body = String(decoding: frame, as: UTF8.self)
            bodies.withLock { $0.append(body) }
            respond(body)
        }
        func receiveOversizedFrame(byteCount: Int) {}
    }

    /// The session, read by `receiver` from a task of its own, until it ends.
    private func serve(_ session: LegacyHTTPSession, _ receiver: Receiver) async -> Task<Void, Never> {
        let task = Task { await session.deliver(to: receiver) }
        #expect(await session.ready())
        return task
    }

    @Test func anAnswerGoesToThePOSTThatCarriedItsRequest() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let first = try open(session, [.int(1)])
        let second = try open(session, [.int(2)])
        #expect(session.send(Array("for 2".utf8), route: .response(to: .int(2))))
        #expect(session.send(Array("for 1".utf8), route: .response(to: .int(1))))
        #expect(await text(first) == "for 1")
        #expect(await text(second) == "for 2")
        #expect(!session.send(Array("again".utf8), route: .response(to: .int(1))))  // nobody waits for it
    }

    @Test func aRelatedMessageGoesToItsRequestsStreamElseTheStandaloneOne() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let post = try open(session, [.int(7)])
        let get = try #require(session.openStandalone())
        #expect(session.send(Array("progress".utf8), route: .related(to: .int(7))))
        #expect(session.send(Array("list changed".utf8), route: .related(to: nil)))
        #expect(session.send(Array("plain".utf8)))
        #expect(await text(post) == "progress")
        #expect(await text(get) == "list changed")
        #expect(await text(get) == "plain")
    }

    /// Review 12, finding 6: a request whose stream is gone never borrows another request's.
    @Test func aMessageOfARequestWhoseStreamClosedNeverGoesToAnotherPOST() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let gone = try open(session, [.int(1)])
        let other = try open(session, [.int(2)])
        session.closed(gone)
        #expect(!session.send(Array("progress of 1".utf8), route: .related(to: .int(1))))
        #expect(!session.send(Array("unrelated".utf8), route: .related(to: nil)))
        #expect(session.send(Array("answer 2".utf8), route: .response(to: .int(2))))
        #expect(await text(other) == "answer 2")
    }

    @Test func aSecondGETReplacesTheFirst() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let old = try #require(session.openStandalone())
        let new = try #require(session.openStandalone())
        #expect(await old.next() == nil)
        #expect(session.send(Array("note".utf8), route: .related(to: nil)))
        #expect(await text(new) == "note")
    }

    @Test func aRequestIDAlreadyWaitingCannotBeReused() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        _ = try open(session, [.string("a")])
        guard case .failure(.duplicateID) = session.openStream(for: [.string("a")]) else {
            Issue.record("a waiting id was accepted again")
            return
        }
    }

    @Test func aBatchAnswerGoesToItsStreamWhole() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try open(session, [.int(1), .int(2)])
        #expect(session.send(Array("[…]".utf8), route: .batch([.int(1), .int(2)])))
        #expect(await text(stream) == "[…]")
        #expect(stream.isDrained)
    }

    /// Review 12, finding 2: an error without an id, sent while the session reads a POST's body
    /// (a batch where batches do not exist), answers that POST and ends its stream.
    @Test func aRefusalWhileReadingABodyEndsThatPOSTsStream() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let receiver = Receiver { _ in
            _ = session.send(Array(#"{"error":"no batches"}"#.utf8), route: .refusal)
        }
        let serving = await serve(session, receiver)
        let stream = try open(session, [.int(8)])
        let other = try open(session, [.int(9)])
        #expect(session.deliver(Array("[batch]".utf8), answeringOn: stream))
        #expect(await text(stream) == #"{"error":"no batches"}"#)
        #expect(await stream.next() == nil)  // finished: the POST is answered
        #expect(stream.isDrained)
        #expect(!other.isDrained)
        // Its id is free again.
        _ = try open(session, [.int(8)])
        session.end()
        await serving.value
    }

    /// Review 12, finding 1: a 2024-11-05 client that stops reading `/sse` cannot make the
    /// server hold its answers without bound: past the limit its session ends.
    @Test func aSingleStreamNobodyReadsEndsItsSessionAtTheLimit() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .singleStream)
        let serving = await serve(session, Receiver())
        let stream = try #require(session.openStandalone())
        var accepted = 0
        for id in 0..<(OutboundStream.maximumQueuedAnswers + 10) {
            if session.send(Array("{}".utf8), route: .response(to: .int(Int64(id)))) { accepted += 1 }
        }
        #expect(accepted == OutboundStream.maximumQueuedAnswers)
        #expect(!session.deliver(Array("{}".utf8)))  // ended
        await serving.value
        _ = stream
    }

    @Test func aSingleStreamSessionSendsEverythingOnItsOneStream() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .singleStream)
        #expect(!session.send(Array("before".utf8), route: .response(to: .int(1))))  // no stream yet
        let stream = try #require(session.openStandalone())
        #expect(session.send(Array("answer".utf8), route: .response(to: .int(1))))
        #expect(session.send(Array("note".utf8), route: .related(to: nil)))
        #expect(await text(stream) == "answer")
        #expect(await text(stream) == "note")
    }

    @Test func bodiesAreReadInOrderAndEndStopsReading() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let receiver = Receiver()
        let serving = await serve(session, receiver)
        let post = try open(session, [.int(1)])
        #expect(session.deliver(Array("one".utf8)))
        #expect(session.deliver(Array("two".utf8)))
        session.end()
        await serving.value
        #expect(!session.deliver(Array("three".utf8)))
        #expect(receiver.bodies.withLock { $0 } == ["one", "two"])
        #expect(await post.next() == nil)
        guard case .failure(.ended) = session.openStream(for: [.int(2)]) else {
            Issue.record("an ended session opened a stream")
            return
        }
    }

    @Test func readyIsFalseForASessionEndedBeforeItWasRead() async {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        session.end()
        #expect(await session.ready() == false)
        await session.deliver(to: Receiver())  // returns at once
    }

    @Test func aSessionIsIdleOnlyWithNoStreamOpenAndNoRecentRequest() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try open(session, [.int(1)])
        #expect(!session.isIdle(for: .seconds(1), now: .now + .seconds(10)))
        session.closed(stream)
        #expect(!session.isIdle(for: .seconds(60), now: .now))
        #expect(session.isIdle(for: .seconds(1), now: .now + .seconds(10)))
    }

    // MARK: Resumption

    @Test func aPOSTStreamWhoseConnectionDroppedIsResumedWithItsAnswer() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try open(session, [.int(1)])
        #expect(session.send(Array("progress".utf8), route: .related(to: .int(1))))
        #expect(await stream.next(OutboundStream.firstReader)?.sequence == 1)
        session.release(stream, reader: OutboundStream.firstReader)  // the connection dropped
        #expect(session.detachedCount == 1 && !stream.isAttached)
        // The request still runs: its progress and its answer wait in the stream.
        #expect(session.send(Array("more".utf8), route: .related(to: .int(1))))
        #expect(session.send(Array("answer".utf8), route: .response(to: .int(1))))
        let id = SSEEventID(tag: session.eventTag, stream: stream.number, sequence: 0)
        let (resumed, reader) = try session.resume(id).get()
        #expect(resumed === stream && session.detachedCount == 0)
        var seen: [String] = []
        while let event = await stream.next(reader) { seen.append(String(decoding: event.message, as: UTF8.self)) }
        #expect(seen == ["progress", "more", "answer"])
        session.release(stream, reader: reader)
        // Delivered whole: forgotten.
        #expect(session.resume(id).failure == .gone)
        #expect(session.isIdle(for: .zero, now: .now + .seconds(1)))
    }

    /// Review 15, finding 2: the answer was taken but its write failed (the connection dropped
    /// as it went out): the stream is kept, and a resumption gets the answer from the log.
    @Test func anAnswerTakenButNotWrittenIsResumed() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try open(session, [.int(1)])
        #expect(session.send(Array("answer".utf8), route: .response(to: .int(1))))
        #expect(await stream.next(OutboundStream.firstReader)?.sequence == 1)
        #expect(stream.isDrained)
        session.release(stream, reader: OutboundStream.firstReader, completed: false)
        let id = SSEEventID(tag: session.eventTag, stream: stream.number, sequence: 0)
        let (_, reader) = try session.resume(id).get()
        #expect(await stream.next(reader).map { String(decoding: $0.message, as: UTF8.self) } == "answer")
        session.release(stream, reader: reader)
        #expect(session.resume(id).failure == .gone)
    }

    /// Review 15, finding 1: what waits in a stream nobody reads is charged to the session's
    /// budget; past it the stream is lost (a resumption is told so), never unbounded memory.
    @Test func aDetachedStreamsWaitingAnswersAreBounded() async throws {
        let budget = ReplayBudget(limit: 5 << 20)
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable, replayBudget: budget)
        let ids = (1...5).map { RequestID.int($0) }
        let stream = try open(session, ids)
        session.release(stream, reader: OutboundStream.firstReader)  // dropped before anything came
        let big = [UInt8](repeating: 0x61, count: 2 << 20)
        for id in ids { _ = session.send(big, route: .response(to: id)) }
        #expect(budget.bytesUsed <= budget.limit)
        #expect(budget.bytesUsed == 0)  // lost: everything it held went back
        let id = SSEEventID(tag: session.eventTag, stream: stream.number, sequence: 0)
        #expect(session.resume(id).failure == .gone)
    }

    @Test func anIDOfAnotherSessionOrAStreamNeverOpenedIsNotIssued() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try open(session, [.int(1)])
        let other = LegacyHTTPSession(id: "o", clientID: "c", mode: .streamable)
        #expect(
            other.resume(SSEEventID(tag: session.eventTag, stream: stream.number, sequence: 0)).failure == .notIssued
        )
        #expect(session.resume(SSEEventID(tag: session.eventTag, stream: 99, sequence: 0)).failure == .notIssued)
        #expect(
            session.resume(SSEEventID(tag: session.eventTag, stream: stream.number, sequence: 5)).failure == .notIssued
        )
        #expect(session.eventTag != other.eventTag)  // 2^-32 to fail
    }

    @Test func detachedStreamsAreBoundedTheOldestForgottenFirst() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        var streams: [OutboundStream] = []
        for id in 0...LegacyHTTPSession.maximumDetachedStreams {
            let stream = try open(session, [.int(Int64(id))])
            streams.append(stream)
            session.release(stream, reader: OutboundStream.firstReader)
        }
        #expect(session.detachedCount == LegacyHTTPSession.maximumDetachedStreams)
        #expect(
            session.resume(SSEEventID(tag: session.eventTag, stream: streams[0].number, sequence: 0)).failure == .gone
        )
        #expect(!session.send(Array("late".utf8), route: .response(to: .int(0))))  // its stream is gone
        #expect(
            session.resume(SSEEventID(tag: session.eventTag, stream: streams[1].number, sequence: 0)).failure == nil
        )
    }

    @Test func aReaderTakenOverLeavesTheStreamToItsSuccessor() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try open(session, [.int(1)])
        let (_, reader) = try session.resume(SSEEventID(tag: session.eventTag, stream: stream.number, sequence: 0))
            .get()
        session.release(stream, reader: OutboundStream.firstReader)  // the old response ends
        #expect(stream.isAttached && session.detachedCount == 0)
        #expect(session.send(Array("answer".utf8), route: .response(to: .int(1))))
        #expect(await stream.next(reader)?.message == Array("answer".utf8))
    }

    @Test func aSingleStreamSessionNeverResumes() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .singleStream)
        let stream = try #require(session.openStandalone())
        session.release(stream, reader: OutboundStream.firstReader)
        #expect(session.detachedCount == 0)
        #expect(
            session.resume(SSEEventID(tag: session.eventTag, stream: stream.number, sequence: 0)).failure == .notIssued
        )
    }

    @Test func primingIsFor20251125AndLater() {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        #expect(!session.primesStreams)
        session.negotiated(.v2025_06_18)
        #expect(!session.primesStreams)
        session.negotiated(.v2025_11_25)
        #expect(session.primesStreams)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
