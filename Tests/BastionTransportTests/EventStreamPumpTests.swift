import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing

@testable import BastionTransport

/// The SSE writer with keep-alives (EventStreamPump.swift).
struct EventStreamPumpTests {
    @Test func eventsAreWrittenAfterThePrefixAndTheBodyFinished() async throws {
        let collector = Collector()
        var writer: any ResponseBodyWriter = collector
        let events = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(string: "a"))
            continuation.yield(ByteBuffer(string: "b"))
            continuation.finish()
        }
        try await EventStreamPump.run(events, prefix: ByteBuffer(string: ">"), keepAlive: .seconds(60), into: &writer)
        #expect(String(decoding: collector.bytes.withLock { $0 }, as: UTF8.self) == ">ab")
    }

    @Test func aQuietStreamGetsKeepAlives() async throws {
        let collector = Collector()
        var writer: any ResponseBodyWriter = collector
        let (events, input) = AsyncStream.makeStream(of: ByteBuffer.self)
        let finisher = Task {
            try await Task.sleep(for: .milliseconds(120))
            input.finish()
        }
        try await EventStreamPump.run(events, prefix: nil, keepAlive: .milliseconds(20), into: &writer)
        try await finisher.value
        #expect(String(decoding: collector.bytes.withLock { $0 }, as: UTF8.self).hasPrefix(": \n\n"))
    }

    @Test func aFailedWriteEndsThePumpThoughTheSourceIsStillOpen() async throws {
        var writer: any ResponseBodyWriter = FailingWriter()
        let (events, input) = AsyncStream.makeStream(of: ByteBuffer.self)
        input.yield(ByteBuffer(string: "x"))
        // The source never ends: only the failed write can end the pump (else the test hangs).
        await #expect(throws: FailingWriter.Gone.self) {
            try await EventStreamPump.run(events, prefix: nil, keepAlive: .seconds(60), into: &writer)
        }
        input.finish()
    }
}

/// A client that went away.
struct FailingWriter: ResponseBodyWriter {
    struct Gone: Error {}
    func write(_ buffer: ByteBuffer) async throws { throw Gone() }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
