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

    /// Review 14, finding 2: without public_url a signature's target URI would be the sender's Host.
    @Test func signatureKeysOnAPublicListenerWithoutPublicURLAreRefused() async throws {
        let scratch = try ScratchDirectory()
        var server = server(listen: "0.0.0.0:8443", scratch)
        server.configuration.http?.tlsCert = scratch.file("server.pem")
        server.configuration.http?.tlsKey = scratch.file("server.key")
        server.configuration.clients[0].auth.signatureKey = try SignatureKey(
            parsing: "hmac-sha256:" + String(repeating: "A", count: 44)
        )
        let error = await #expect(throws: ServerError.self) {
            try await server.serveHTTP(clientID: "local", logger: SessionTestSupport.quietLogger) { _ in }
        }
        #expect(error?.description.contains("public_url") == true)
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

    @Test(arguments: [
        ("https://mcp.example.com/mcp", "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
        ("https://mcp.example.com", "https://mcp.example.com/.well-known/oauth-protected-resource"),
        ("http://127.0.0.1:8765/a/mcp?x", "http://127.0.0.1:8765/.well-known/oauth-protected-resource/a/mcp"),
    ])
    func theMetadataURLOfAResource(resource: String, metadata: String) {
        #expect(BastionServer.metadataURL(forResource: resource) == metadata)
    }

    @Test(
        arguments: [
            ("https://MCP.example.com:8443/mcp", "mcp.example.com"), ("http://[::1]:80/mcp", "[::1]"),
            ("http://user@evil/mcp", nil), ("mcp.example.com", nil),
        ] as [(String, String?)]
    )
    func theHostOfAPublicURL(url: String, host: String?) {
        #expect(BastionServer.host(ofURL: url) == host)
    }

    @Test func jwtWithoutAVerifierIsRefused() async throws {
        let scratch = try ScratchDirectory()
        var server = server(listen: "127.0.0.1:0", scratch)
        server.configuration.jwt = JWTConfiguration(issuer: "i", audience: "a", publicKeys: ["/k"])
        let error = await #expect(throws: ServerError.self) {
            try await server.serveHTTP(clientID: "local", logger: SessionTestSupport.quietLogger) { _ in }
        }
        #expect(error?.description.contains("token verifier") == true)
    }
}
