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

    @Test func anAnonymousRequestIsTheLoopbackClientWithItsWorkdirMade() throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch)
        let client = try gateway.authenticate(.anonymous)
        #expect(client.id == "web")
        #expect(client.authentication == .loopback)
        #expect(client.transport == "http")
        #expect(FileManager.default.fileExists(atPath: scratch.file("clients/web")))
        #expect(service.clients.connectedClients.count == 1)
        gateway.release(client)
        #expect(service.clients.connectedClients.isEmpty)
    }

    @Test func withoutLoopbackTrustAnAnonymousRequestIs401AndAudited() throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch, loopbackClient: nil)
        let refusal = try #require(throws: HTTPRefusal.self) { try gateway.authenticate(.anonymous) }
        #expect(refusal.status == 401)
        #expect(refusal.headers.first?.name == "WWW-Authenticate")
        #expect(refusal.error?.message == "unauthorized")  // nothing about why
        service.audit.flush()
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        #expect(records.contains { $0["event"] == "auth-failure" && $0["transport"] == "http" })
    }

    @Test func aTokenIsNotWavedThroughByLoopbackTrust() throws {
        let scratch = try ScratchDirectory()
        let (gateway, _) = try gateway(scratch)
        #expect(throws: HTTPRefusal.self) { try gateway.authenticate(.bearerToken("anything")) }
    }

    @Test func aRefusalIsAuditedWithItsStatusAndPath() throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch)
        gateway.refused(HTTPRefusal.methodNotAllowed(allow: "POST"), method: "DELETE", path: "/mcp")
        service.audit.flush()
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        let record = try #require(records.first { $0["event"] == "http-refusal" })
        #expect(record["status"] == 405)
        #expect(record["http_method"] == "DELETE")
        #expect(record["path"] == "/mcp")
        #expect(record["transport"] == "http")
    }

    @Test func anExchangeBeforeTheServiceRunsWaitsAndOnShutdownIs503() async throws {
        let scratch = try ScratchDirectory()
        let (gateway, service) = try gateway(scratch)
        let client = try gateway.authenticate(.anonymous)
        service.requestShutdown(reason: "test")
        let running = Task { try await service.run() }
        let refusal = await #expect(throws: HTTPRefusal.self) {
            _ = try await gateway.exchange(Array("{}".utf8), headers: MCPRequestHeaders([]), as: client)
        }
        #expect(refusal?.status == 503)
        try await running.value
    }
}
