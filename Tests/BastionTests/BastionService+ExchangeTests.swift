import BastionProtocol
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

/// The entry point of a stateless transport (BastionService+Exchange.swift): one request in, its
/// messages out, through the client's chain and audit, without a session around it.
struct BastionServiceExchangeTests {
    private static let meta: JSONValue = [
        ModernEnvelope.Key.protocolVersion: "2026-07-28",
        ModernEnvelope.Key.clientCapabilities: [:],
        ModernEnvelope.Key.clientInfo: ["name": "http-client", "version": "9"],
    ]

    private func start(_ scratch: borrowing ScratchDirectory) throws -> (BastionService, Task<Void, any Error>) {
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("state/audit.jsonl"), diagnostics: true),
            clients: [
                ClientConfiguration(
                    id: "web",
                    workdir: scratch.file("clients/web"),
                    permissions: [.fileRead(glob: nil)]
                )
            ]
        )
        let service = try BastionService(
            server: BastionServer(configuration: configuration),
            logger: SessionTestSupport.quietLogger
        )
        return (service, Task { try await service.run() })
    }

    private static func request(_ id: Int, _ method: String, _ params: [String: JSONValue]) -> [UInt8] {
        var params = params
        params["_meta"] = meta
        return JSONWriter.encode([
            "jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": .object(params),
        ])
    }

    private static func headers(_ method: String, name: String? = nil) -> MCPRequestHeaders {
        var fields = [(name: "MCP-Protocol-Version", value: "2026-07-28"), (name: "Mcp-Method", value: method)]
        if let name { fields.append((name: "Mcp-Name", value: name)) }
        return MCPRequestHeaders(fields)
    }

    private static func answers(_ exchange: MCPExchange) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        for await message in exchange.messages {
            all.append(try message.bytes.withUnsafeBytes { try JSONParser.parse($0) })
        }
        return all
    }

    @Test func aStatelessCallIsServedAndAuditedWithoutASession() async throws {
        let scratch = try ScratchDirectory()
        let (service, running) = try start(scratch)
        let client = try service.authenticate(.stdio(clientID: "web"), transport: "http")
        let exchange = try await service.exchange(
            Self.request(1, "tools/call", ["name": "echo", "arguments": ["text": "over http"]]),
            headers: Self.headers("tools/call", name: "echo"),
            as: client
        )
        let answers = try await Self.answers(exchange)
        #expect(answers.count == 1)
        #expect(SessionTestSupport.firstText(answers[0]["result"] ?? .null) == "over http")
        #expect(answers[0]["result"]?["resultType"] == "complete")
        // Its cleanup runs once the stream has ended.
        for _ in 0..<200 where !service.liveConnections.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(service.liveConnections.isEmpty)

        let mismatch = try await service.exchange(
            Self.request(2, "tools/call", ["name": "echo", "arguments": ["text": "x"]]),
            headers: Self.headers("tools/call", name: "whoami"),
            as: client
        )
        #expect(try await Self.answers(mismatch).first?["error"]?["code"] == -32020)

        service.clients.disconnect(client)
        service.requestShutdown(reason: "test")
        try await running.value
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        let mine = records.filter { $0["session"] == .string(exchange.session.id) }
        #expect(mine.map { $0["event"] } == ["request"])
        #expect(mine.first?["client"] == "web" && mine.first?["transport"] == "http")
        #expect(mine.first?["protocol"] == "2026-07-28" && mine.first?["client_name"] == "http-client")
        #expect(mine.first?["outcome"] == "ok")
        let refused = records.filter { $0["session"] == .string(mismatch.session.id) }
        #expect(refused.map { $0["event"] } == ["request"] && refused.first?["code"] == -32020)
        #expect(!records.contains { $0["event"] == "session-start" || $0["event"] == "connect" })
    }

    @Test func anOpenListenEndsWithTheServer() async throws {
        let scratch = try ScratchDirectory()
        let (service, running) = try start(scratch)
        let client = try service.authenticate(.stdio(clientID: "web"), transport: "http")
        let listen = try await service.exchange(
            Self.request(1, "subscriptions/listen", ["notifications": ["toolsListChanged": true]]),
            headers: Self.headers("subscriptions/listen"),
            as: client
        )
        var iterator = listen.messages.makeAsyncIterator()
        let acknowledgement = try #require(await iterator.next())
        let json = try acknowledgement.bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(json["method"] == "notifications/subscriptions/acknowledged")
        #expect(acknowledgement.kind == .notification)
        #expect(service.liveConnections.map(\.session.id) == [listen.session.id])
        service.requestShutdown(reason: "test")
        #expect(await iterator.next() == nil)
        try await running.value
        service.clients.disconnect(client)
        #expect(service.liveConnections.isEmpty)
    }

    @Test func noExchangeStartsOnceTheServerStops() async throws {
        let scratch = try ScratchDirectory()
        let (service, running) = try start(scratch)
        let client = try service.authenticate(.stdio(clientID: "web"), transport: "http")
        service.requestShutdown(reason: "test")
        try await running.value
        await #expect(throws: ServerError.self) {
            _ = try await service.exchange(
                Self.request(1, "tools/list", [:]),
                headers: Self.headers("tools/list"),
                as: client
            )
        }
    }
}
