import BastionProtocol
import Testing

@testable import Bastion

struct StdioServiceTests {
    @Test func theEndOfItsInputStopsTheService() async throws {
        let scratch = try ScratchDirectory()
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("audit.jsonl")),
            clients: [ClientConfiguration(id: "local", workdir: scratch.file("clients/local"))]
        )
        let service = try BastionService(
            server: BastionServer(configuration: configuration),
            logger: SessionTestSupport.quietLogger
        )
        let running = Task { try await service.run() }
        let peer = MemoryPeer(clientID: "local")
        let client = try service.authenticate(.stdio(clientID: "local"), transport: "memory")
        let stdio = StdioService(service: service, connection: peer.connection, client: client)
        let serving = Task { try await stdio.run() }
        _ = try await peer.request(1, "ping")
        peer.close()
        try await serving.value
        try await running.value
        let records = try ScratchDirectory.jsonLines(of: scratch.file("audit.jsonl"))
        #expect(records.last?["event"] == "stop")
        #expect(records.last?["reason"] == "end of input")
    }
}
