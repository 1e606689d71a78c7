import BastionProtocol
import Testing

@testable import BastionTransport

/// Where a handshake-era session's messages go (LegacyHTTPSession.swift).
struct LegacyHTTPSessionTests {
    private func text(_ stream: OutboundStream) async -> String? {
        await stream.next().map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func anAnswerGoesToThePOSTThatCarriedItsRequest() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let first = try #require(session.openStream(for: [.int(1)]))
        let second = try #require(session.openStream(for: [.int(2)]))
        #expect(session.send(Array("for 2".utf8), route: .response(to: .int(2))))
        #expect(session.send(Array("for 1".utf8), route: .response(to: .int(1))))
        #expect(await text(first) == "for 1")
        #expect(await text(second) == "for 2")
        #expect(!session.send(Array("again".utf8), route: .response(to: .int(1))))  // nobody waits for it
    }

    @Test func aRelatedMessageGoesToItsRequestsStreamElseTheStandaloneOne() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let post = try #require(session.openStream(for: [.int(7)]))
        let get = try #require(session.openStandalone())
        #expect(session.openStandalone() == nil)  // one GET stream (409)
        #expect(session.send(Array("progress".utf8), route: .related(to: .int(7))))
        #expect(session.send(Array("list changed".utf8), route: .related(to: nil)))
        #expect(session.send(Array("plain".utf8)))
        #expect(await text(post) == "progress")
        #expect(await text(get) == "list changed")
        #expect(await text(get) == "plain")
    }

    @Test func aRequestIDAlreadyWaitingCannotBeReused() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        _ = try #require(session.openStream(for: [.string("a")]))
        #expect(session.openStream(for: [.string("a")]) == nil)
    }

    @Test func aBatchAnswerGoesToItsStreamWhole() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try #require(session.openStream(for: [.int(1), .int(2)]))
        #expect(session.send(Array("[…]".utf8), route: .batch([.int(1), .int(2)])))
        #expect(await text(stream) == "[…]")
        #expect(stream.isDrained)
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

    @Test func endFinishesTheFramesAndEveryStream() async throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let post = try #require(session.openStream(for: [.int(1)]))
        #expect(session.deliver(Array("{}".utf8)))
        session.end()
        #expect(!session.deliver(Array("{}".utf8)))
        var frames: [Frame] = []
        for await frame in session.frames { frames.append(frame) }
        #expect(frames == [.message(Array("{}".utf8))])
        #expect(await post.next() == nil)
        #expect(session.openStream(for: [.int(2)]) == nil)
    }

    @Test func aSessionIsIdleOnlyWithNoStreamOpenAndNoRecentRequest() throws {
        let session = LegacyHTTPSession(id: "s", clientID: "c", mode: .streamable)
        let stream = try #require(session.openStream(for: [.int(1)]))
        #expect(!session.isIdle(for: .seconds(1), now: .now + .seconds(10)))
        session.closed(stream)
        #expect(!session.isIdle(for: .seconds(60), now: .now))
        #expect(session.isIdle(for: .seconds(1), now: .now + .seconds(10)))
    }
}
