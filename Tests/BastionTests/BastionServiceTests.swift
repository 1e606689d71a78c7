import BastionProtocol
import BastionSecurity
import Foundation
import Synchronization
import Testing

@testable import Bastion

/// One ``BastionService``, many connections: the isolation the HTTP and D-Bus transports rely on,
/// proven in one process with the in-memory transport (``MemoryPeer``).
struct BastionServiceTests {
    /// What the next reload reads.
    private final class NextConfiguration: Sendable {
        let value: Mutex<BastionConfiguration>
        init(_ configuration: BastionConfiguration) { value = Mutex(configuration) }
    }

    /// Ten clients: even ones may write their workdir, odd ones only read it.
    private func configuration(_ scratch: borrowing ScratchDirectory, writers: Set<Int>? = nil) -> BastionConfiguration
    {
        let writers = writers ?? Set(stride(from: 0, to: 10, by: 2))
        return BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("state/audit.jsonl"), diagnostics: true),
            clients: (0..<10).map { index in
                ClientConfiguration(
                    id: "c\(index)",
                    workdir: scratch.file("clients/c\(index)"),
                    permissions: writers.contains(index)
                        ? [.fileRead(glob: nil), .fileWrite(glob: nil)] : [.fileRead(glob: nil)]
                )
            }
        )
    }

    /// A running service whose reloads return what `next` holds.
    private func start(
        _ configuration: BastionConfiguration,
        next: NextConfiguration? = nil
    ) throws -> (BastionService, Task<Void, any Error>) {
        var server = BastionServer(configuration: configuration)
        if let next { server.reloadConfiguration = { next.value.withLock { $0 } } }
        let service = try BastionService(server: server, logger: SessionTestSupport.quietLogger)
        return (service, Task { try await service.run() })
    }

    /// A root of its own for session `index` inside its client's workdir.
    private func makeRoot(_ scratch: borrowing ScratchDirectory, session index: Int) throws -> String {
        let workdir = scratch.file("clients/c\(index % 10)")
        try FileManager.default.createDirectory(
            atPath: workdir,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let root = workdir + "/r\(index)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    /// Waits until the session's allowed directories are exactly its root: the server applies the
    /// roots after the peer's answer arrives, asynchronously.
    private func allowedDirectories(of peer: MemoryPeer, firstID: Int) async throws -> [String] {
        var id = firstID
        while peer.rootsAnswered == 0 { try await Task.sleep(for: .milliseconds(20)) }
        while true {
            let result = try await peer.call(id, "list_allowed_directories")
            let read = result["structuredContent"]?["read"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if read == peer.roots || id - firstID > 100 { return read }
            id += 1
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aHundredSessionsOfTenClientsAreIsolated() async throws {
        let scratch = try ScratchDirectory()
        let (service, running) = try start(configuration(scratch))
        let peers = try (0..<100).map {
            MemoryPeer(clientID: "c\($0 % 10)", roots: [try makeRoot(scratch, session: $0)])
        }
        let serving = peers.map { peer in Task { try await service.serve(peer.connection) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, peer) in peers.enumerated() {
                group.addTask {
                    try await peer.initialize()
                    let canWrite = index % 2 == 0
                    #expect(try await peer.toolNames(id: 1).contains("write_file") == canWrite)
                    let whoami = try await peer.call(2, "whoami")
                    #expect(whoami["structuredContent"]?["client"] == .string(peer.clientID))
                    #expect(try await allowedDirectories(of: peer, firstID: 1_000) == peer.roots)
                    switch index % 10 {
                    case 3:  // a denied call, answered as an error result
                        let denied = try await peer.call(3, "write_file", ["path": "x.txt", "content": "no"])
                        #expect(denied["isError"] == true)
                    case 5:  // a cancelled call, never answered
                        peer.write([
                            "jsonrpc": "2.0", "id": 3, "method": "tools/call",
                            "params": ["name": "sleep", "arguments": ["ms": 20_000]],
                        ])
                        try await Task.sleep(for: .milliseconds(20))
                        peer.write(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": 3]])
                    case 7:  // a closed connection
                        peer.close()
                    default:
                        break
                    }
                }
            }
            try await group.waitForAll()
        }
        // Everyone else is served as before, in their own workdir.
        for (index, peer) in peers.enumerated() where index % 10 != 7 {
            let echo = try await peer.call(4, "echo", ["text": .string("after \(index)")])
            #expect(SessionTestSupport.firstText(echo) == "after \(index)")
            #expect((peer.response(to: 3) != nil) == (index % 10 == 3))  // the cancelled call stays unanswered
        }
        for index in stride(from: 7, to: 100, by: 10) { _ = await serving[index].result }
        #expect(service.liveConnections.count == 90)
        service.requestShutdown(reason: "test")
        try await running.value
        for task in serving { _ = await task.result }
        #expect(service.liveConnections.isEmpty)
        let ids = Set(
            try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl")).compactMap { $0["session"] }
        )
        #expect(ids.count == 100)  // a session id each, and none reused
    }

    @Test func aReloadReachesConnectedAndConnectingSessionsAndTellsThoseWhoseToolsChanged() async throws {
        let scratch = try ScratchDirectory()
        let next = NextConfiguration(configuration(scratch))
        let (service, running) = try start(configuration(scratch), next: next)
        let connected = (0..<20).map { MemoryPeer(clientID: "c\($0 % 10)") }
        let serving = connected.map { peer in Task { try await service.serve(peer.connection) } }
        for peer in connected { try await peer.initialize() }
        // c0 loses its writes, c1 gains them; nobody else changes.
        next.value.withLock { $0 = configuration(scratch, writers: Set([1, 2, 4, 6, 8])) }
        let connecting = (0..<20).map { _ in MemoryPeer(clientID: "c0") }
        let late = connecting.map { peer in Task { try await service.serve(peer.connection) } }
        await service.reloadNow()
        for peer in connecting { try await peer.initialize() }
        for peer in connecting { #expect(try await !peer.toolNames(id: 1).contains("write_file")) }
        try await Task.sleep(for: .milliseconds(50))
        for (index, peer) in connected.enumerated() {
            let changed = index % 10 <= 1
            #expect(peer.notifications("notifications/tools/list_changed").count == (changed ? 1 : 0))
            #expect(try await peer.toolNames(id: 2).contains("write_file") == [1, 2, 4, 6, 8].contains(index % 10))
        }
        service.requestShutdown(reason: "test")
        try await running.value
        for task in serving + late { _ = await task.result }
    }

    @Test func aReloadThatMovesAWorkdirKeepsTheOneInForceUntilARestart() async throws {
        let scratch = try ScratchDirectory()
        let next = NextConfiguration(configuration(scratch))
        let (service, running) = try start(configuration(scratch), next: next)
        let peer = MemoryPeer(clientID: "c0")
        let serving = Task { try await service.serve(peer.connection) }
        try await peer.initialize()
        let written = try await peer.call(2, "write_file", ["path": "notes.txt", "content": "kept"])
        #expect(written["isError"] != true)
        next.value.withLock { $0.clients[0].workdir = scratch.file("elsewhere/c0") }
        await service.reloadNow()
        // The session still works where it did, under the rules of the workdir in force.
        let read = try await peer.call(3, "read_text_file", ["path": "notes.txt"])
        #expect(SessionTestSupport.firstText(read) == "kept")
        #expect(service.configuration.clients[0].workdir == scratch.file("clients/c0"))
        let reloads = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
            .filter { $0["event"] == "config-reload" }
        #expect(reloads.last?["not_applied"] == ["clients.c0.workdir"])
        service.requestShutdown(reason: "test")
        try await running.value
        _ = await serving.result
    }

    /// Review 15, finding 5: protected paths are compiled at start, so a reload may not name a
    /// signature key file the start did not know (it would be readable through the file tools).
    @Test func aReloadThatAddsASignatureKeyFileIsRefused() async throws {
        let scratch = try ScratchDirectory()
        let next = NextConfiguration(configuration(scratch))
        let (service, running) = try start(configuration(scratch), next: next)
        next.value.withLock { $0.clients[1].auth.signatureKeyFile = scratch.file("c1.key") }
        #expect(!service.reload())
        #expect(service.configuration.clients[1].auth.signatureKeyFile == nil)
        let reloads = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
            .filter { $0["event"] == "config-reload" }
        #expect(reloads.last?["outcome"] == "error")
        #expect(reloads.last?["error"]?.stringValue?.contains("restart Bastion") == true)
        service.requestShutdown(reason: "test")
        try await running.value
    }

    @Test func oneClientsBroadGrantDoesNotReachAnotherClientsWorkdir() async throws {
        let scratch = try ScratchDirectory()
        var configuration = configuration(scratch)
        configuration.clients[0].permissions = [
            .fileRead(glob: scratch.path + "/**"), .fileWrite(glob: scratch.path + "/**"),
        ]
        let (service, running) = try start(configuration)
        let owner = MemoryPeer(clientID: "c2")
        let other = MemoryPeer(clientID: "c0")
        let serving = [owner, other].map { peer in Task { try await service.serve(peer.connection) } }
        try await owner.initialize()
        try await other.initialize()
        _ = try await owner.call(2, "write_file", ["path": "private.txt", "content": "mine"])
        let secret = scratch.file("clients/c2/private.txt")
        let read = try await other.call(3, "read_text_file", ["path": .string(secret)])
        #expect(read["isError"] == true)
        let overwrite = try await other.call(4, "write_file", ["path": .string(secret), "content": "yours"])
        #expect(overwrite["isError"] == true)
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "mine")
        // The broad grant still covers everything else under it.
        let elsewhere = try await other.call(
            5,
            "write_file",
            ["path": .string(scratch.file("shared.txt")), "content": "ok"]
        )
        #expect(elsewhere["isError"] != true)
        service.requestShutdown(reason: "test")
        try await running.value
        for task in serving { _ = await task.result }
    }

    @Test func aConnectionAfterShutdownIsRefused() async throws {
        let scratch = try ScratchDirectory()
        let (service, running) = try start(configuration(scratch))
        service.requestShutdown(reason: "test")
        try await running.value
        await #expect(throws: ServerError.self) { try await service.serve(MemoryPeer(clientID: "c0").connection) }
        let records = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        #expect(records.last?["event"] == "stop")
        #expect(records.last?["reason"] == "test")
    }

    @Test func anUnknownClientIsRefusedNamingTheConfiguredOnes() throws {
        let scratch = try ScratchDirectory()
        let service = try BastionService(
            server: BastionServer(configuration: configuration(scratch)),
            logger: SessionTestSupport.quietLogger
        )
        let error = #expect(throws: ServerError.self) {
            try service.authenticate(.stdio(clientID: "mallory"), transport: "memory")
        }
        #expect(error?.message.contains("configured clients: c0, c1") == true)
    }
}
