import BastionProtocol
import BastionSecurity
import BastionTransport
import Foundation
import Testing

@testable import Bastion

/// The HTTP transport's way into the service (HTTPGateway.swift): authentication, release,
/// exchanges and the refusals' records.
struct HTTPGatewayTests {
    private func gateway(
        _ scratch: borrowing ScratchDirectory,
        loopbackClient: String? = "web"
    ) throws -> (HTTPGateway, BastionService) {
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("state/audit.jsonl"), diagnostics: true),
            clients: ["web", "other"].map {
                ClientConfiguration(id: $0, workdir: scratch.file("clients/\($0)"), permissions: [.fileRead(glob: nil)])
            }
        )
        var server = BastionServer(configuration: configuration)
        server.loopbackClient = loopbackClient
        let service = try BastionService(server: server, logger: SessionTestSupport.quietLogger)
        let challenge = [(name: "WWW-Authenticate", value: #"Bearer resource_metadata="x""#)]
        return (HTTPGateway(service: service, challenge: challenge), service)
    }

    @Test func anAnonymousRequestIsTheLoopbackClientWithItsWorkdirMade() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch)
        let client = try await gateway.authenticate(.anonymous)
        #expect(client.id == "web")
        #expect(client.authentication == .loopback)
        #expect(client.transport == "http")
        #expect(FileManager.default.fileExists(atPath: scratch.file("clients/web")))
        #expect(service.clients.connectedClients.count == 1)
        gateway.release(client)
        #expect(service.clients.connectedClients.isEmpty)
    }

    @Test func withoutLoopbackTrustAnAnonymousRequestIs401AndAudited() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch, loopbackClient: nil)
        let refusal = await #expect(throws: HTTPRefusal.self) { _ = try await gateway.authenticate(.anonymous) }
        #expect(refusal?.status == 401)
        #expect(refusal?.headers.first?.name == "WWW-Authenticate")
        #expect(refusal?.error?.message == "unauthorized")  // nothing about why
        service.audit.flush()
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        #expect(records.contains { $0["event"] == "auth-failure" && $0["transport"] == "http" })
    }

    @Test func aTokenIsNotWavedThroughByLoopbackTrust() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, _) = try gateway(scratch)
        await #expect(throws: HTTPRefusal.self) { _ = try await gateway.authenticate(.bearerToken("anything")) }
    }

    /// Proves `good` (subject `web-sub`), `narrow` (valid, lacking a scope); refuses the rest.
    struct Tokens: BearerTokenVerifier {
        func verify(_ token: String) async throws(AuthenticationError) -> VerifiedToken {
            switch token {
            case "good": return VerifiedToken(subject: "web-sub", scopes: [])
            case "narrow": throw AuthenticationError(code: .insufficientScope, message: "the token lacks the scope mcp")
            default: throw AuthenticationError(code: .invalidCredentials, message: "the signature does not verify")
            }
        }
    }

    private func tokenGateway(_ scratch: borrowing ScratchDirectory) throws -> (HTTPGateway, BastionService) {
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("state/audit.jsonl")),
            clients: [
                ClientConfiguration(
                    id: "web",
                    workdir: scratch.file("clients/web"),
                    permissions: [.fileRead(glob: nil)],
                    auth: ClientAuthConfiguration(jwtSubject: "web-sub")
                )
            ]
        )
        let service = try BastionService(
            server: BastionServer(configuration: configuration),
            logger: SessionTestSupport.quietLogger
        )
        var gateway = HTTPGateway(service: service, challenge: [(name: "WWW-Authenticate", value: "Bearer")])
        gateway.tokens = Tokens()
        gateway.requiredScopes = ["mcp"]
        return (gateway, service)
    }

    @Test func aVerifiedTokenIsItsSubjectsClient() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, _) = try tokenGateway(scratch)
        let client = try await gateway.authenticate(.bearerToken("good"))
        #expect(client.id == "web")
        #expect(client.authentication == .jwt)
    }

    @Test func aForgedTokenIs401AndAuditedWithoutTheToken() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try tokenGateway(scratch)
        let refusal = await #expect(throws: HTTPRefusal.self) {
            _ = try await gateway.authenticate(.bearerToken("forged-XYZ"))
        }
        #expect(refusal?.status == 401)
        service.audit.flush()
        let text = try String(contentsOfFile: scratch.file("state/audit.jsonl"), encoding: .utf8)
        #expect(text.contains("the signature does not verify"))
        #expect(!text.contains("forged-XYZ"))
    }

    /// Review 14, finding 4: a flood of bad tokens from one address is one record (and a count
    /// later), naming the address.
    @Test func aFloodOfForgedTokensIsOneRecordNamingThePeer() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try tokenGateway(scratch)
        for _ in 0..<200 {
            await #expect(throws: HTTPRefusal.self) {
                _ = try await gateway.authenticate(.bearerToken("forged-XYZ"), transport: "http", peer: "203.0.113.7")
            }
        }
        service.audit.flush()
        let failures = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
            .filter { $0["event"] == "auth-failure" }
        // One record at once; the rest wait for the throttle's next second (a slow machine may
        // pass one second, hence a few).
        #expect((1...3).contains(failures.count))
        #expect(failures.first?["peer"] == "203.0.113.7")
    }

    @Test func aRequestWithoutCredentialsIsRecordedWithItsPeer() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try tokenGateway(scratch)
        await #expect(throws: HTTPRefusal.self) {
            _ = try await gateway.authenticate(.anonymous, transport: "http", peer: "198.51.100.2")
        }
        service.audit.flush()
        let failure = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
            .first { $0["event"] == "auth-failure" }
        #expect(failure?["peer"] == "198.51.100.2")
    }

    @Test func aTokenWithoutTheScopeIs403InsufficientScope() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, _) = try tokenGateway(scratch)
        let refusal = await #expect(throws: HTTPRefusal.self) {
            _ = try await gateway.authenticate(.bearerToken("narrow"))
        }
        #expect(refusal?.status == 403)
        #expect(refusal?.headers.first?.value == #"Bearer error="insufficient_scope", scope="mcp""#)
    }

    @Test func aRefusalIsAuditedWithItsStatusAndPath() throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch)
        gateway.refused(
            HTTPRefusal.methodNotAllowed(allow: "POST"),
            method: "DELETE",
            path: "/mcp",
            clientID: nil,
            peer: "127.0.0.1"
        )
        service.audit.flush()
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        let record = try #require(records.first { $0["event"] == "http-refusal" })
        #expect(record["status"] == 405)
        #expect(record["http_method"] == "DELETE")
        #expect(record["path"] == "/mcp")
        #expect(record["transport"] == "http")
        #expect(record["client"] == nil)
    }

    @Test func aRefusalOfAnAuthenticatedClientNamesIt() throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch)
        let limited = HTTPRefusal(status: 429, code: -32603, message: "rate limit")
        gateway.refused(limited, method: "POST", path: "/mcp", clientID: "local", peer: "127.0.0.1")
        // A connection refused on arrival has no method or path.
        gateway.refused(HTTPRefusal.unavailable, method: "", path: "", clientID: nil, peer: nil)
        service.audit.flush()
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
            .filter { $0["event"] == "http-refusal" }
        #expect(records.count == 2)
        #expect(records.first?["client"] == "local")
        #expect(records.first?["status"] == 429)
        #expect(records.last?["path"] == nil)
        #expect(records.last?["http_method"] == nil)
    }

    @Test func anExchangeBeforeTheServiceRunsWaitsAndOnShutdownIs503() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch)
        let client = try await gateway.authenticate(.anonymous)
        service.requestShutdown(reason: "test")
        let running = Task { try await service.run() }
        let refusal = await #expect(throws: HTTPRefusal.self) {
            _ = try await gateway.exchange(Array("{}".utf8), headers: MCPRequestHeaders([]), as: client)
        }
        #expect(refusal?.status == 503)
        try await running.value
    }
}
