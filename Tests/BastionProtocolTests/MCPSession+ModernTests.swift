import Testing

@testable import BastionProtocol

/// The 2026-07-28 revision beside the handshake era (MCPSession+Modern.swift).
struct MCPSessionModernTests {
    private static func meta(_ extra: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = [
            ModernEnvelope.Key.protocolVersion: "2026-07-28",
            ModernEnvelope.Key.clientCapabilities: [:],
            ModernEnvelope.Key.clientInfo: ["name": "modern-test", "version": "2"],
        ]
        members.merge(extra) { _, new in new }
        return .object(members)
    }

    private static func modern(_ id: JSONValue, _ method: String, _ params: [String: JSONValue] = [:]) -> JSONValue {
        var params = params
        params["_meta"] = meta()
        return SessionHarness.request(id, method, .object(params))
    }

    private func harness() -> (SessionHarness, TestRoutes) {
        let routes = TestRoutes()
        let identity = ServerIdentity(name: "bastion-test", version: "1.2.3", instructions: "Sandbox: landlock")
        return (SessionHarness(router: routes.router, identity: identity), routes)
    }

    @Test func discoverNamesEveryRevisionAndMakesTheConnectionModern() throws {
        let (harness, _) = harness()
        harness.receive(json: Self.modern(1, "server/discover"))
        let result = try #require(harness.sink.responses(to: 1).first?["result"])
        #expect(result["supportedVersions"] == ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
        #expect(result["resultType"] == "complete")
        #expect(result["ttlMs"] == 0 && result["cacheScope"] == "private")
        #expect(result["instructions"] == "Sandbox: landlock")
        #expect(result["_meta"]?[ModernEnvelope.Key.serverInfo]?["name"] == "bastion-test")
        #expect(harness.session.isModern)
        #expect(harness.observer.initializations.map(\.version) == [.v2026_07_28])
        #expect(harness.observer.initializations.first?.client.name == "modern-test")
    }

    @Test func initializeOnAModernConnectionIsUnsupportedNamingTheModernVersions() throws {
        let (harness, _) = harness()
        harness.receive(json: Self.modern(1, "server/discover"))
        harness.initialize(id: 2)
        let error = try #require(harness.sink.responses(to: 2).first?["error"])
        #expect(error["code"] == -32022)
        #expect(error["data"]?["supported"] == ["2026-07-28"])
        #expect(error["data"]?["requested"] == .string(ProtocolVersion.latest.rawValue))
        #expect(harness.session.isModern)
    }

    @Test func aModernEnvelopeOnAHandshakeConnectionIsAnInvalidRequest() {
        let (harness, _) = harness()
        harness.initialize()
        harness.receive(json: Self.modern(1, "echo"))
        #expect(harness.sink.responses(to: 1).first?.errorCode == -32600)
        #expect(!harness.session.isModern)
    }

    @Test func aRefusedEnvelopeDecidesNothing() throws {
        let (harness, _) = harness()
        harness.receive(
            json: SessionHarness.request(
                1,
                "server/discover",
                ["_meta": Self.meta([ModernEnvelope.Key.protocolVersion: "2099-01-01"])]
            )
        )
        #expect(harness.sink.responses(to: 1).first?.errorCode == -32022)
        #expect(harness.session.negotiatedVersion == nil)
        let response = try #require(harness.initialize(id: 2))
        #expect(response["result"]?["protocolVersion"] == .string(ProtocolVersion.latest.rawValue))
    }

    @Test(arguments: [JSONValue.object([:]), ["content": [["type": "text", "text": "x"]], "resultType": "complete"]])
    func theSplicedIdentityGivesTheSameAnswerAsTheDictionaryOne(_ result: JSONValue) throws {
        let (harness, _) = harness()
        for id in [RequestID.int(7), .string("a\"b")] {
            harness.session.writeWithServerInfo(.response(id: id, result: result))
            var expected = result.objectValue ?? [:]
            expected["_meta"] = .object(harness.session.serverInfoMeta)
            let written = try #require(harness.sink.responses(to: id.json).last)
            #expect(written == ["jsonrpc": "2.0", "id": id.json, "result": .object(expected)])
        }
    }

    @Test func aModernResultHasItsTypeAndTheServersIdentity() async throws {
        let (harness, _) = harness()
        harness.receive(json: Self.modern(1, "echo", ["x": 1]))
        let result = try #require(await harness.sink.waitForResponse(to: 1)?["result"])
        #expect(result["x"] == 1)
        #expect(result["resultType"] == "complete")
        #expect(result["_meta"]?[ModernEnvelope.Key.serverInfo]?["version"] == "1.2.3")
        #expect(result["ttlMs"] == nil)  // not a cacheable method
    }

    @Test func withoutTheEnvelopeAModernConnectionRefusesARequest() async {
        let (harness, routes) = harness()
        harness.receive(json: Self.modern(1, "echo"))
        _ = await harness.sink.waitForResponse(to: 1)
        harness.receive(json: SessionHarness.request(2, "echo"))
        #expect(harness.sink.responses(to: 2).first?.errorCode == -32602)
        _ = routes
    }

    @Test(arguments: ["ping", "logging/setLevel", "resources/subscribe", "tasks/result", "tasks/list"])
    func whatTheRevisionRemovedIsNotFound(method: String) {
        let (harness, _) = harness()
        harness.receive(json: Self.modern(1, method))
        #expect(harness.sink.responses(to: 1).first?.errorCode == -32601)
        #expect(harness.observer.records.first?.annotations["protocol"] == "2026-07-28")
    }

    @Test func noServerToClientRequestOnAModernConnection() async throws {
        let (harness, _) = harness()
        harness.receive(json: Self.modern(1, "ask"))
        let response = try #require(await harness.sink.waitForResponse(to: 1))
        #expect(response.errorCode == -32603)
        #expect(!harness.sink.messages.contains { $0["method"] == "test/ask" })
    }

    @Test func onlyCancellationIsHeardAmongNotifications() async {
        let (harness, routes) = harness()
        harness.receive(json: Self.modern(1, "echo"))
        _ = await harness.sink.waitForResponse(to: 1)
        harness.receive(json: SessionHarness.notification("notifications/test"))
        #expect(routes.notified.elements.isEmpty)
        harness.receive(json: Self.modern(2, "slow"))
        _ = await routes.started.wait(forCount: 1)
        harness.receive(json: SessionHarness.notification("notifications/cancelled", ["requestId": 2]))
        #expect(await routes.interrupted.wait(forCount: 1) == [RequestID.int(2)])
    }

    @Test func theAuditRecordNamesTheRevisionAndTheClaimedClient() async {
        let (harness, _) = harness()
        harness.receive(json: Self.modern(1, "echo"))
        let record = await harness.observer.waitForRecord(RequestID.int(1))
        #expect(record?.annotations["protocol"] == "2026-07-28")
        #expect(record?.annotations["client_name"] == "modern-test")
        #expect(record?.annotations["client_version"] == "2")
    }

    @Test func errorsKeepToTheCodesTheRevisionAllows() {
        let notFound = MCPSession.modernError(.resourceNotFound("file:///x"))
        #expect(notFound.code == -32602 && notFound.data?["uri"] == "file:///x")
        #expect(MCPSession.modernError(JSONRPCError(code: -32042, message: "m")).code == -32603)
        #expect(MCPSession.modernError(JSONRPCError(code: -32022, message: "m")).code == -32022)
        #expect(MCPSession.modernError(JSONRPCError(code: -32000, message: "m")).code == -32000)
        #expect(MCPSession.modernError(.serverBusy(running: 1, queued: 1)).code == -32005)
    }
}
