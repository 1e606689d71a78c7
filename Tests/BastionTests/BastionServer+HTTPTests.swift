import BastionSecurity
import Testing

@testable import Bastion

/// What `bastion serve --http` refuses before it listens (BastionServer+HTTP.swift).
struct BastionServerHTTPTests {
    private func server(listen: String, _ scratch: borrowing ScratchDirectory) -> BastionServer {
        BastionServer(
            configuration: BastionConfiguration(
                server: ServerConfiguration(auditLog: scratch.file("audit.jsonl")),
                http: HTTPTransportConfiguration(listen: listen),
                clients: [
                    ClientConfiguration(id: "local", workdir: scratch.file("w"), permissions: [.fileRead(glob: nil)])
                ]
            )
        )
    }

    @Test(arguments: ["0.0.0.0:8765", "192.168.1.10:80", "[::]:1"])
    func aNonLoopbackListenerWithoutAuthenticationIsRefused(listen: String) async throws {
        let scratch = try ScratchDirectory()
        let error = await #expect(throws: ServerError.self) {
            try await server(listen: listen, scratch).serveHTTP(
                clientID: "local",
                logger: SessionTestSupport.quietLogger
            ) { _ in }
        }
        #expect(error?.description.contains("non-loopback") == true)
    }

    @Test func anUnknownClientIsRefusedNamingTheConfiguredOnes() async throws {
        let scratch = try ScratchDirectory()
        let error = await #expect(throws: ServerError.self) {
            try await server(listen: "127.0.0.1:0", scratch).serveHTTP(
                clientID: "ghost",
                logger: SessionTestSupport.quietLogger
            ) { _ in }
        }
        #expect(error?.description.contains("\"ghost\"") == true)
        #expect(error?.description.contains("local") == true)
    }

    @Test func aMalformedAddressIsRefused() async throws {
        let scratch = try ScratchDirectory()
        await #expect(throws: ServerError.self) {
            try await server(listen: "nonsense", scratch).serveHTTP(
                clientID: "local",
                logger: SessionTestSupport.quietLogger
            ) { _ in }
        }
    }
}
