import BastionProtocol
import BastionSecurity
import Dispatch
import Synchronization
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

private struct DiskFailure: Error, CustomStringConvertible {
    var description: String { "EIO on /secret/path" }
}

struct ResourceManagerTests {
    private func makeManager(log: CapturingLogHandler? = nil) -> ResourceManager {
        var registry = ResourceRegistry()
        registry.register(uri: "bastion://public", name: "Public", mimeType: "text/plain", permissions: .public) {
            client in
            [.text(uri: "bastion://public", mimeType: "text/plain", text: "hello \(client.id)")]
        }
        registry.register(uri: "bastion://private", name: "Private", permissions: [.fileRead(glob: nil)]) { _ in
            [.text(uri: "bastion://private", mimeType: nil, text: "secret")]
        }
        registry.register(uri: "bastion://tool-error", name: "ToolError", permissions: .public) { _ in
            throw ToolError("not ready")
        }
        registry.register(uri: "bastion://disk-error", name: "DiskError", permissions: .public) { _ in
            throw DiskFailure()
        }
        registry.registerTemplate(
            "bastion://echo/{text}",
            name: "Echo",
            permissions: .public,
            complete: { _, prefix in
                ["hello", "help", "world"].filter { $0.hasPrefix(prefix) }
            },
            read: { _, uri, variables in [.text(uri: uri, mimeType: nil, text: variables["text"] ?? "")] }
        )
        registry.registerTemplate("bastion://files/{name}", name: "Files", permissions: [.fileRead(glob: nil)]) {
            _,
            uri,
            variables in [.text(uri: uri, mimeType: nil, text: "file \(variables["name"] ?? "")")]
        }
        let logger = log.map(SessionTestSupport.logger(into:)) ?? SessionTestSupport.quietLogger
        return ResourceManager(registry: registry, logger: logger)
    }

    private let reader = SessionTestSupport.makeClient(id: "reader", permissions: [.fileRead(glob: nil)])
    private let nobody = SessionTestSupport.makeClient(id: "nobody")

    private func read(
        _ uri: JSONValue,
        client: ClientContext,
        manager: ResourceManager? = nil
    )
        async throws(JSONRPCError) -> (JSONValue, RequestContext)
    {
        let context = SessionTestSupport.makeContext(method: "resources/read")
        let result = try await (manager ?? makeManager()).read(params: ["uri": uri], client: client, context: context)
        return (result, context)
    }

    @Test func listShowsOnlyPermittedResources() async throws {
        let manager = makeManager()
        let all = try await manager.list(params: nil, client: reader, pageSize: 50)
        #expect(
            all["resources"]?.arrayValue?.compactMap { $0["uri"]?.stringValue }.contains("bastion://private") == true
        )
        let some = try await manager.list(params: nil, client: nobody, pageSize: 50)
        let uris = try #require(some["resources"]?.arrayValue).compactMap { $0["uri"]?.stringValue }
        #expect(uris == ["bastion://public", "bastion://tool-error", "bastion://disk-error"])
        #expect(
            some["resources"]?.arrayValue?.first == [
                "uri": "bastion://public", "name": "Public", "mimeType": "text/plain",
            ]
        )
    }

    @Test func listPaginatesWithItsOwnCursors() async throws {
        let manager = makeManager()
        let first = try await manager.list(params: nil, client: reader, pageSize: 3)
        #expect(first["nextCursor"] == "resources:3")
        let second = try await manager.list(params: ["cursor": "resources:3"], client: reader, pageSize: 3)
        #expect(second["resources"]?.arrayValue?.count == 1)
        #expect(second["nextCursor"] == nil)
        await #expect(throws: JSONRPCError.self) {
            try await manager.list(params: ["cursor": "tools:3"], client: reader, pageSize: 3)
        }
    }

    @Test func templatesListIsFilteredToo() throws {
        let manager = makeManager()
        let forReader = try manager.listTemplates(params: nil, client: reader, pageSize: 50)
        #expect(forReader["resourceTemplates"]?.arrayValue?.count == 2)
        let forNobody = try manager.listTemplates(params: nil, client: nobody, pageSize: 50)
        #expect(forNobody["resourceTemplates"] == [["uriTemplate": "bastion://echo/{text}", "name": "Echo"]])
        #expect(throws: JSONRPCError.self) {
            try manager.listTemplates(params: ["cursor": "resources:1"], client: reader, pageSize: 1)
        }
    }

    @Test func aFixedResourceIsRead() async throws {
        let (result, context) = try await read("bastion://public", client: nobody)
        #expect(
            result == ["contents": [["uri": "bastion://public", "mimeType": "text/plain", "text": "hello nobody"]]]
        )
        #expect(context.annotations["uri"] == "bastion://public")
    }

    @Test func aTemplateResourceIsReadWithDecodedVariables() async throws {
        let (result, _) = try await read("bastion://echo/hello%20there", client: nobody)
        #expect(result == ["contents": [["uri": "bastion://echo/hello%20there", "text": "hello there"]]])
    }

    @Test(arguments: ["bastion://missing", "bastion://echo/a/b", "bastion://echo/", "other://x"])
    func anUnknownURIIsResourceNotFound(uri: String) async throws {
        let error = await #expect(throws: JSONRPCError.self) { try await read(.string(uri), client: reader) }
        #expect(error?.code == JSONRPCError.resourceNotFoundCode)
        #expect(error?.data == ["uri": .string(uri)])
    }

    @Test(arguments: ["bastion://private", "bastion://files/a.txt"])
    func aHiddenResourceLooksUnknown(uri: String) async throws {
        let error = await #expect(throws: JSONRPCError.self) { try await read(.string(uri), client: nobody) }
        #expect(error?.code == JSONRPCError.resourceNotFoundCode)
        let (result, _) = try await read(.string(uri), client: reader)
        #expect(result["contents"]?.arrayValue?.count == 1)
    }

    @Test(arguments: [JSONValue.null, 3, ["u": "x"]])
    func aNonStringURIIsInvalidParams(uri: JSONValue) async throws {
        let error = await #expect(throws: JSONRPCError.self) { try await read(uri, client: reader) }
        #expect(error?.code == JSONRPCError.invalidParamsCode)
    }

    @Test func aToolErrorFromTheReaderIsAnInternalErrorWithItsMessage() async throws {
        let error = await #expect(throws: JSONRPCError.self) { try await read("bastion://tool-error", client: reader) }
        #expect(error?.code == JSONRPCError.internalErrorCode)
        #expect(error?.message.contains("not ready") == true)
    }

    @Test func anyOtherReaderErrorIsGenericAndLogged() async throws {
        let log = CapturingLogHandler()
        let manager = makeManager(log: log)
        let error = await #expect(throws: JSONRPCError.self) {
            try await read("bastion://disk-error", client: reader, manager: manager)
        }
        #expect(error?.code == JSONRPCError.internalErrorCode)
        #expect(error?.message.contains("/secret/path") == false)
        #expect(log.lines.contains { $0.contains("/secret/path") })
    }

    @Test func aLongURIIsAnnotatedByItsSize() async throws {
        let uri = "bastion://" + String(repeating: "x", count: 600)
        let context = SessionTestSupport.makeContext(method: "resources/read")
        _ = try? await makeManager().read(params: ["uri": .string(uri)], client: reader, context: context)
        #expect(context.annotations["uri"] == "<610 bytes>")
    }

    @Test func completionOffersTheTemplatesValues() {
        let manager = makeManager()
        #expect(
            manager.complete(uri: "bastion://echo/{text}", variable: "text", prefix: "he", client: nobody) == [
                "hello", "help",
            ]
        )
        #expect(manager.complete(uri: "bastion://files/{name}", variable: "name", prefix: "", client: reader) == [])
        #expect(manager.complete(uri: "bastion://files/{name}", variable: "name", prefix: "", client: nobody) == nil)
        #expect(manager.complete(uri: "bastion://nope/{x}", variable: "x", prefix: "", client: reader) == nil)
    }

    // MARK: off the cooperative pool

    /// More resource operations blocked at once than the machine has cores, each until a task on
    /// the cooperative pool releases it: if they held pool threads, that task could never run (each
    /// operation then gives up after 10 s and says so).
    private static func blockedAtOnce(_ operation: @escaping @Sendable (DispatchSemaphore) async -> Bool) async -> Bool
    {
        let gate = DispatchSemaphore(value: 0)
        let blockers = 2 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) + 2
        return await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<blockers { group.addTask { await operation(gate) } }
            group.addTask {
                for _ in 0..<blockers { gate.signal() }
                return false
            }
            var released = 0
            for await isReleased in group where isReleased { released += 1 }
            return released == blockers
        }
    }

    @Test func readsRunOffTheCooperativePool() async {
        let released = await Self.blockedAtOnce { gate in
            var registry = ResourceRegistry()
            registry.register(uri: "bastion://blocking", name: "Blocking", permissions: .public) { _ in
                let text = gate.wait(timeout: .now() + 10) == .success ? "released" : "starved"
                return [.text(uri: "bastion://blocking", mimeType: nil, text: text)]
            }
            let manager = ResourceManager(registry: registry, logger: SessionTestSupport.quietLogger)
            let context = SessionTestSupport.makeContext(method: "resources/read")
            let client = SessionTestSupport.makeClient(id: "c")
            let result = try? await manager.read(
                params: ["uri": "bastion://blocking"],
                client: client,
                context: context
            )
            return result?["contents"]?.arrayValue?.first?["text"] == "released"
        }
        #expect(released)
    }

    @Test func providerListsRunOffTheCooperativePool() async {
        let released = await Self.blockedAtOnce { gate in
            var registry = ResourceRegistry()
            registry.register(provider: BlockingProvider(gate: gate))
            let manager = ResourceManager(registry: registry, logger: SessionTestSupport.quietLogger)
            let client = SessionTestSupport.makeClient(id: "c")
            let result = try? await manager.list(params: nil, client: client, pageSize: 10)
            return result?["resources"]?.arrayValue?.first?["name"] == "released"
        }
        #expect(released)
    }

    @Test func aSessionHoldsAtMostTheCappedNumberOfSubscriptions() async throws {
        let provider = CountingProvider()
        var registry = ResourceRegistry()
        registry.register(provider: provider)
        let manager = ResourceManager(registry: registry, logger: SessionTestSupport.quietLogger)
        #expect(manager.maxSubscriptionsPerSession == 1_024)
        let context = SessionTestSupport.makeContext(method: "resources/subscribe")
        for index in 0..<1_024 {
            _ = try await manager.subscribe(params: ["uri": .string("test:\(index)")], client: reader, context: context)
        }
        // Renewing a subscription is free; a new one past the cap is refused, saying what to do.
        _ = try await manager.subscribe(params: ["uri": "test:7"], client: reader, context: context)
        await #expect {
            _ = try await manager.subscribe(params: ["uri": "test:1024"], client: reader, context: context)
        } throws: { error in
            guard let error = error as? JSONRPCError else { return false }
            return error.code == JSONRPCError.invalidRequestCode && error.message.contains("1024")
                && error.message.contains("unsubscribe")
        }
        #expect(provider.subscribed == 1_024)
        #expect(manager.subscriptionCount(of: context.session) == 1_024)
        // Another session has its own allowance.
        let other = SessionTestSupport.makeContext(method: "resources/subscribe")
        _ = try await manager.subscribe(params: ["uri": "test:1024"], client: reader, context: other)
        // Dropping one makes room again.
        _ = try manager.unsubscribe(params: ["uri": "test:0"], context: context)
        _ = try await manager.subscribe(params: ["uri": "test:1024"], client: reader, context: context)
        manager.sessionEnded(context.session)
        #expect(manager.subscriptionCount(of: context.session) == 0)
    }

    @Test func aRefusedSubscriptionDoesNotCount() async throws {
        let manager = ResourceManager(
            registry: {
                var registry = ResourceRegistry()
                registry.register(provider: CountingProvider())
                registry.register(uri: "bastion://public", name: "Public", permissions: .public) { _ in [] }
                return registry
            }(),
            maxSubscriptionsPerSession: 2,
            logger: SessionTestSupport.quietLogger
        )
        let context = SessionTestSupport.makeContext(method: "resources/subscribe")
        for _ in 0..<3 {
            await #expect(throws: JSONRPCError.self) {
                _ = try await manager.subscribe(params: ["uri": "test:refuse"], client: reader, context: context)
            }
            await #expect(throws: JSONRPCError.self) {
                _ = try await manager.subscribe(params: ["uri": "bastion://unknown"], client: reader, context: context)
            }
        }
        #expect(manager.subscriptionCount(of: context.session) == 0)
        _ = try await manager.subscribe(params: ["uri": "test:a"], client: reader, context: context)
        _ = try await manager.subscribe(params: ["uri": "bastion://public"], client: reader, context: context)
        #expect(manager.subscriptionCount(of: context.session) == 2)
    }
}

/// A provider whose listing blocks its thread until `gate` is signalled.
private struct BlockingProvider: ResourceProvider {
    let gate: DispatchSemaphore

    func owns(_ uri: String) -> Bool { uri.hasPrefix("blocking:") }

    func list(
        client: ClientContext,
        after cursor: String?,
        limit: Int
    ) async throws(JSONRPCError) -> (
        resources: [JSONValue], next: String?
    ) {
        let name = gate.wait(timeout: .now() + 10) == .success ? "released" : "starved"
        return ([["uri": "blocking:1", "name": .string(name)]], nil)
    }

    func read(client: ClientContext, uri: String) async throws(JSONRPCError) -> [ResourceContents] { [] }
    func subscribe(client: ClientContext, uri: String, context: RequestContext) async throws(JSONRPCError) {}
    func unsubscribe(uri: String, session: MCPSession) {}
    func sessionEnded(_ session: MCPSession) {}
}

/// A provider of `test:` URIs whose subscriptions cost nothing; `test:refuse` is refused.
private final class CountingProvider: ResourceProvider {
    private let uris = Mutex<Set<String>>([])
    var subscribed: Int { uris.withLock { $0.count } }

    func owns(_ uri: String) -> Bool { uri.hasPrefix("test:") }

    func list(
        client: ClientContext,
        after cursor: String?,
        limit: Int
    ) async throws(JSONRPCError) -> (
        resources: [JSONValue], next: String?
    ) { ([], nil) }

    func read(client: ClientContext, uri: String) async throws(JSONRPCError) -> [ResourceContents] { [] }

    func subscribe(client: ClientContext, uri: String, context: RequestContext) async throws(JSONRPCError) {
        guard uri != "test:refuse" else { throw .invalidParams("refused") }
        _ = uris.withLock { $0.insert(uri) }
    }

    func unsubscribe(uri: String, session: MCPSession) {}

    func sessionEnded(_ session: MCPSession) {}
}
