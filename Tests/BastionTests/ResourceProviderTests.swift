import BastionProtocol
import BastionSecurity
import Synchronization
import Testing

@testable import Bastion

/// A provider of `mem://N` resources for N in 0..<count, three per inner page.
private final class CountingProvider: ResourceProvider {
    let count: Int
    let subscribed = Mutex<[String]>([])
    init(count: Int) { self.count = count }

    func owns(_ uri: String) -> Bool { uri.hasPrefix("mem://") }

    func list(
        client: ClientContext,
        after cursor: String?,
        limit: Int
    ) async throws(JSONRPCError) -> (resources: [JSONValue], next: String?) {
        let start = cursor.flatMap(Int.init) ?? 0
        let end = min(count, start + min(3, limit))
        let page = (start..<end).map { JSONValue.object(["uri": .string("mem://\($0)"), "name": .string("\($0)")]) }
        return (page, end < count ? String(end) : nil)
    }

    func read(client: ClientContext, uri: String) async throws(JSONRPCError) -> [ResourceContents] {
        [.text(uri: uri, mimeType: nil, text: "value of \(uri)")]
    }

    func subscribe(client: ClientContext, uri: String, context: RequestContext) async throws(JSONRPCError) {
        subscribed.withLock { $0.append(uri) }
    }

    func unsubscribe(uri: String, session: MCPSession) { subscribed.withLock { $0.removeAll { $0 == uri } } }
    func sessionEnded(_ session: MCPSession) { subscribed.withLock { $0.removeAll() } }
}

struct ResourceProviderTests {
    private func manager(_ providers: [CountingProvider], fixed: Bool) -> ResourceManager {
        var registry = ResourceRegistry()
        if fixed {
            registry.register(uri: "bastion://fixed", name: "Fixed", permissions: .public) { _ in
                [.text(uri: "bastion://fixed", mimeType: nil, text: "f")]
            }
        }
        for provider in providers { registry.register(provider: provider) }
        return ResourceManager(registry: registry, logger: SessionTestSupport.quietLogger)
    }

    private func allURIs(_ manager: ResourceManager) async throws -> [String] {
        var uris: [String] = []
        var cursor: JSONValue = .null
        for _ in 0..<20 {
            let page = try await manager.list(
                params: ["cursor": cursor],
                client: SessionTestSupport.makeClient(),
                pageSize: 10
            )
            uris += page["resources"]?.arrayValue?.compactMap { $0["uri"]?.stringValue } ?? []
            guard let next = page["nextCursor"] else { return uris }
            cursor = next
        }
        return uris
    }

    @Test func fixedResourcesComeFirstThenEachProviderPageByPage() async throws {
        let manager = manager([CountingProvider(count: 4), CountingProvider(count: 2)], fixed: true)
        #expect(
            try await allURIs(manager) == [
                "bastion://fixed", "mem://0", "mem://1", "mem://2", "mem://3", "mem://0", "mem://1",
            ]
        )
    }

    @Test func withoutFixedResourcesTheFirstPageIsTheProvidersOwn() async throws {
        let manager = manager([CountingProvider(count: 2)], fixed: false)
        let first = try await manager.list(params: nil, client: SessionTestSupport.makeClient(), pageSize: 10)
        #expect(first["resources"]?.arrayValue?.count == 2)
        #expect(first["nextCursor"] == nil)
    }

    @Test func readsAndSubscriptionsReachTheOwningProvider() async throws {
        let provider = CountingProvider(count: 1)
        let manager = manager([provider], fixed: true)
        let context = SessionTestSupport.makeContext()
        let read = try await manager.read(
            params: ["uri": "mem://0"],
            client: SessionTestSupport.makeClient(),
            context: context
        )
        #expect(read["contents"]?.arrayValue?.first?["text"] == "value of mem://0")
        _ = try await manager.subscribe(
            params: ["uri": "mem://0"],
            client: SessionTestSupport.makeClient(),
            context: context
        )
        _ = try await manager.subscribe(
            params: ["uri": "bastion://fixed"],
            client: SessionTestSupport.makeClient(),
            context: context
        )
        #expect(provider.subscribed.withLock { $0 } == ["mem://0"])
        await #expect(throws: JSONRPCError.self) {
            try await manager.subscribe(
                params: ["uri": "bastion://none"],
                client: SessionTestSupport.makeClient(),
                context: context
            )
        }
        _ = try manager.unsubscribe(params: ["uri": "mem://0"], context: context)
        #expect(provider.subscribed.withLock { $0 }.isEmpty)
    }

    @Test func aProviderWithoutTheRequestFormIsReadThroughTheDefault() async throws {
        let provider = CountingProvider(count: 1)
        let contents = try await provider.read(
            client: SessionTestSupport.makeClient(),
            uri: "mem://0",
            memory: AnswerMemory(budget: nil, request: SessionTestSupport.makeContext(method: "resources/read"))
        )
        #expect(contents == [.text(uri: "mem://0", mimeType: nil, text: "value of mem://0")])
    }
}
