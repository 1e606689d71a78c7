import BastionProtocol
import Testing

@testable import BastionTransport

/// The server contract the HTTP transport needs (HTTPServing.swift), through the test's server.
struct HTTPServingTests {
    @Test func aServerAuthenticatesReleasesAndNamesItsClients() async throws {
        let server: some HTTPServing = FakeHTTPServer()
        let client = try await server.authenticate(.anonymous)
        #expect(server.clientID(of: client) == "tester")
        await #expect(throws: HTTPRefusal.self) { _ = try await server.authenticate(.bearerToken("bad")) }
        server.release(client)
    }
}
