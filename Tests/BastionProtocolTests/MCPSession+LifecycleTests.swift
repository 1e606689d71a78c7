import Testing

@testable import BastionProtocol

/// `initialize`, `ping`, the pre-initialization phase and `logging/setLevel` (MCPSession+Lifecycle.swift).
struct MCPSessionLifecycleTests {
    @Test(arguments: ProtocolVersion.handshakeVersions)
    func initializeEchoesASupportedVersion(version: ProtocolVersion) throws {
        let capabilities = ServerCapabilities(tools: true, resources: true, prompts: true, completions: true)
        let harness = SessionHarness(capabilities: capabilities)
        let response = try #require(harness.initialize(version.rawValue, id: 1))
        #expect(response["jsonrpc"] == "2.0")
        #expect(response["id"] == 1)
        let result = try #require(response["result"])
        #expect(result["protocolVersion"] == .string(version.rawValue))
        #expect(result["capabilities"] == capabilities.json(for: version))
        #expect(result["serverInfo"]?["name"] == "bastion-test")
        #expect(result["serverInfo"]?["version"] == "1.2.3")
        #expect(harness.session.negotiatedVersion == version)
    }

    @Test(arguments: ["2099-01-01", "2024-10-07", "1.0", ""])
    func initializeWithAnUnknownVersionAnswersTheLatest(requested: String) throws {
        let harness = SessionHarness()
        let response = try #require(harness.initialize(requested))
        #expect(response["result"]?["protocolVersion"] == .string(ProtocolVersion.latest.rawValue))
        #expect(response["error"] == nil)
        #expect(harness.session.negotiatedVersion == .latest)
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func titleFrom2025_06_18AndInstructionsAlways(version: ProtocolVersion) throws {
        let identity = ServerIdentity(name: "n", version: "v", title: "Bastion", instructions: "Be careful.")
        let harness = SessionHarness(identity: identity)
        let result = try #require(harness.initialize(version.rawValue)?["result"])
        #expect(result["serverInfo"]?["title"] == (version >= .v2025_06_18 ? "Bastion" : nil))
        #expect(result["instructions"] == "Be careful.")
    }

    @Test func noInstructionsWhenNoneAreConfigured() throws {
        let result = try #require(SessionHarness().initialize()?["result"])
        #expect(result["instructions"] == nil)
        #expect(result["serverInfo"]?["title"] == nil)
    }

    @Test func initializeTellsTheObserverAndKeepsTheClientInfo() throws {
        let harness = SessionHarness()
        harness.initialize("2025-06-18", capabilities: ["sampling": [:]], clientName: "inspector")
        let initialization = try #require(harness.observer.initializations.first)
        #expect(harness.observer.initializations.count == 1)
        #expect(initialization.version == .v2025_06_18)
        #expect(initialization.client == ClientInfo(name: "inspector", version: "0.1", capabilities: ["sampling": [:]]))
        #expect(harness.session.clientInfo == initialization.client)
    }

    @Test func missingClientInfoFieldsBecomeUnknown() throws {
        let harness = SessionHarness()
        harness.receive(json: SessionHarness.request(1, "initialize", ["protocolVersion": "2025-06-18"]))
        #expect(harness.sink.responses(to: 1).first?["result"] != nil)
        let client = try #require(harness.session.clientInfo)
        #expect(client == ClientInfo(name: "unknown", version: "unknown", capabilities: [:]))
    }

    @Test(arguments: [
        JSONValue?.none, .some([1, 2]), .some([:]), .some(["protocolVersion": 20_250_618]),
        .some(["protocolVersion": .null]),
    ])
    func initializeWithBadParamsIsInvalidParamsAndChangesNothing(params: JSONValue?) throws {
        let harness = SessionHarness()
        harness.receive(json: SessionHarness.request(1, "initialize", params))
        let response = try #require(harness.sink.responses(to: 1).first)
        #expect(response.errorCode == -32602)
        #expect(harness.session.negotiatedVersion == nil)
        #expect(harness.observer.initializations.isEmpty)
        // The client may try again.
        #expect(harness.initialize(id: 2)?["result"] != nil)
    }

    @Test func aRequestBeforeInitializeIsInvalidRequestAndNotDispatched() async throws {
        let routes = TestRoutes()
        let harness = SessionHarness(router: routes.router)
        harness.receive(json: SessionHarness.request(1, "slow"))
        let response = try #require(harness.sink.responses(to: 1).first)
        #expect(response.errorCode == -32600)
        let record = try #require(harness.observer.records(for: .int(1)).first)
        guard case .rejected(let code, _) = record.outcome else {
            Issue.record("expected a rejection, got \(record.outcome)")
            return
        }
        #expect(code == -32600)
        #expect(record.method == "slow")
        #expect(routes.started.elements.isEmpty)
    }

    @Test func pingIsAnsweredBeforeInitialize() throws {
        let harness = SessionHarness()
        harness.receive(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#)
        #expect(harness.sink.messages == [["jsonrpc": "2.0", "id": "p", "result": [:]]])
        #expect(harness.observer.records.first?.outcome == .ok)
    }

    @Test func pingIsAnsweredAfterInitialize() {
        let harness = SessionHarness()
        harness.initialize()
        harness.receive(json: SessionHarness.request(5, "ping", [:]))
        #expect(harness.sink.responses(to: 5) == [["jsonrpc": "2.0", "id": 5, "result": [:]]])
    }

    @Test func aSecondInitializeIsInvalidRequestAndKeepsTheFirstVersion() throws {
        let harness = SessionHarness()
        harness.initialize("2025-03-26", id: 1)
        let response = try #require(harness.initialize("2025-06-18", id: 2))
        #expect(response.errorCode == -32600)
        #expect(harness.session.negotiatedVersion == .v2025_03_26)
        #expect(harness.observer.initializations.count == 1)
    }

    @Test func notificationHandlersRunOnlyAfterInitialize() {
        let routes = TestRoutes()
        let harness = SessionHarness(router: routes.router)
        harness.receive(json: SessionHarness.notification("notifications/test", ["n": 1]))
        harness.initialize()
        harness.receive(json: SessionHarness.notification("notifications/test", ["n": 2]))
        #expect(routes.notified.elements == [["n": 2]])
    }

    @Test(arguments: LogLevel.allCases)
    func setLevelAcceptsEveryLevel(level: LogLevel) {
        let harness = SessionHarness()
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "logging/setLevel", ["level": .string(level.rawValue)]))
        #expect(harness.sink.responses(to: 1) == [["jsonrpc": "2.0", "id": 1, "result": [:]]])
    }

    @Test(arguments: [
        JSONValue?.none, .some(["level": "verbose"]), .some(["level": "WARNING"]), .some(["level": 3]),
        .some([:]), .some(["lvl": "info"]),
    ])
    func setLevelRejectsABadLevelWithInvalidParams(params: JSONValue?) throws {
        let harness = SessionHarness()
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "logging/setLevel", params))
        #expect(try #require(harness.sink.responses(to: 1).first).errorCode == -32602)
    }

    @Test func setLevelBeforeInitializeIsInvalidRequest() throws {
        let harness = SessionHarness()
        harness.receive(json: SessionHarness.request(1, "logging/setLevel", ["level": "debug"]))
        #expect(try #require(harness.sink.responses(to: 1).first).errorCode == -32600)
    }

    @Test func setLevelWithoutTheLoggingCapabilityIsMethodNotFound() async throws {
        let harness = SessionHarness(capabilities: ServerCapabilities(logging: false))
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "logging/setLevel", ["level": "debug"]))
        let response = await harness.sink.waitForResponse(to: 1)
        #expect(try #require(response).errorCode == -32601)
    }
}
