import BastionProtocol
import BastionSecurity
import Foundation
import Synchronization
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
            clients: ["web", "other"].map {
                ClientConfiguration(id: $0, workdir: scratch.file("clients/\($0)"), permissions: [.fileRead(glob: nil)])
            }
        )
        let service = try BastionService(
            server: BastionServer(configuration: configuration),
            logger: SessionTestSupport.quietLogger
        )
        return (service, Task { try await service.run() })
    }

    private static func request(
        _ id: Int,
        _ method: String,
        _ params: [String: JSONValue],
        capabilities: JSONValue = [:]
    ) -> [UInt8] {
        var params = params
        var meta = Self.meta.objectValue ?? [:]
        meta[ModernEnvelope.Key.clientCapabilities] = capabilities
        params["_meta"] = .object(meta)
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
        ).exchange
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
        ).exchange
        #expect(try await Self.answers(mismatch).first?["error"]?["code"] == -32020)

        service.clients.disconnect(client)
        service.requestShutdown(reason: "test")
        try await running.value
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        let mine = records.filter { $0["session"] == .string(exchange.sessionID) }
        #expect(mine.map { $0["event"] } == ["request"])
        #expect(mine.first?["client"] == "web" && mine.first?["transport"] == "http")
        #expect(mine.first?["protocol"] == "2026-07-28" && mine.first?["client_name"] == "http-client")
        #expect(mine.first?["outcome"] == "ok")
        let refused = records.filter { $0["session"] == .string(mismatch.sessionID) }
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
        ).exchange
        var iterator = listen.messages.makeAsyncIterator()
        let acknowledgement = try #require(await iterator.next())
        let json = try acknowledgement.bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(json["method"] == "notifications/subscriptions/acknowledged")
        #expect(acknowledgement.kind == .notification)
        #expect(service.liveConnections.map(\.session.id) == [listen.sessionID])
        service.requestShutdown(reason: "test")
        #expect(await iterator.next() == nil)
        try await running.value
        service.clients.disconnect(client)
        #expect(service.liveConnections.isEmpty)
    }

    @Test func aTasksChangesReachItsClientsListenInAnotherRequestAndNoOtherClients() async throws {
        let scratch = try ScratchDirectory()
        let (service, running) = try start(scratch)
        let web = try service.authenticate(.stdio(clientID: "web"), transport: "http")
        let other = try service.authenticate(.stdio(clientID: "other"), transport: "http")
        let release = Mutex(false)
        let creating = RequestContext(
            id: .int(1),
            method: "tools/call",
            params: nil,
            session: SessionTestSupport.makeSession()
        )
        let created = try service.runtime.tasks.startForExtension(
            params: nil,
            client: web,
            context: creating,
            timeout: .seconds(10)
        ) { _ in
            while !release.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
            return ["content": []]
        }
        let id = try #require(created["taskId"]?.stringValue)
        let extensions: JSONValue = .object(["extensions": .object([TasksExtension.identifier: [:]])])
        let listen = try await service.exchange(
            Self.request(
                1,
                "subscriptions/listen",
                ["notifications": ["taskIds": [.string(id)]]],
                capabilities: extensions
            ),
            headers: Self.headers("subscriptions/listen"),
            as: web
        ).exchange
        let stranger = try await service.exchange(
            Self.request(1, "subscriptions/listen", ["notifications": ["toolsListChanged": true]]),
            headers: Self.headers("subscriptions/listen"),
            as: other
        ).exchange
        var mine = listen.messages.makeAsyncIterator()
        var theirs = stranger.messages.makeAsyncIterator()
        let acknowledged = try #require(await mine.next())
        #expect(
            try acknowledged.bytes.withUnsafeBytes { try JSONParser.parse($0) }["params"]?["notifications"]
                == ["taskIds": [.string(id)]]
        )
        _ = await theirs.next()
        // Even a listen of another client that named the task (none can: the id is refused to it)
        // is not reached: the service hands the store only the task's client's sessions.
        stranger.session.beginListen(.int(99), filter: ListenFilter(taskIDs: [id]), honored: [:])
        _ = await theirs.next()
        release.withLock { $0 = true }
        let change = try #require(await mine.next())
        let notice = try change.bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(notice["method"] == .string(TasksExtension.statusNotification))
        #expect(notice["params"]?["taskId"] == .string(id) && notice["params"]?["status"] == "completed")
        service.requestShutdown(reason: "test")
        #expect(await theirs.next() == nil)
        try await running.value
        service.clients.disconnect(web)
        service.clients.disconnect(other)
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
