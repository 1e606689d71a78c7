import BastionProtocol
import Synchronization
import Testing

@testable import BastionTransport

/// One exchange's messages as the transport reads them, and its cleanup (ExchangeStream.swift).
struct ExchangeStreamTests {
    let server = FakeHTTPServer()

    private func exchange() async throws -> MCPExchange {
        let body = Array(MCPHTTPResponderTests.call().utf8)
        let headers = MCPRequestHeaders(
            MCPHTTPResponderTests.modernHeaders.map { (name: $0.0, value: $0.1) }
        )
        return try await server.exchange(body, headers: headers, as: FakeHTTPServer.Client(id: "t")).exchange
    }

    @Test func theResponseIsReadAndEndReleasesOnce() async throws {
        let releases = Mutex(0)
        let stream = ExchangeStream(try await exchange()) { releases.withLock { $0 += 1 } }
        let first = try #require(await stream.next())
        #expect(first.kind == .response(errorCode: nil))
        #expect(await stream.next() == nil)
        stream.end()
        stream.end()
        stream.cancel()
        #expect(releases.withLock { $0 } == 1)
    }

    @Test func aStreamDroppedUnendedReleasesItsClient() async throws {
        let releases = Mutex(0)
        do {
            let stream = ExchangeStream(try await exchange()) { releases.withLock { $0 += 1 } }
            _ = stream
        }
        #expect(releases.withLock { $0 } == 1)
    }
}
