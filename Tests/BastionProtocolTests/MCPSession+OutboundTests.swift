import Testing

@testable import BastionProtocol

/// Notifications, logging and the server's own requests (MCPSession+Outbound.swift).
struct MCPSessionOutboundTests {
    private func logMessages(_ harness: SessionHarness) -> [JSONValue] {
        harness.sink.notifications("notifications/message").compactMap { $0["params"] }
    }

    private func setLevel(_ level: String, _ harness: SessionHarness) {
        harness.receive(
            json: SessionHarness.request(.string("level-\(level)"), "logging/setLevel", ["level": .string(level)])
        )
    }

    // MARK: notify

    @Test func notifyWritesANotification() {
        let harness = SessionHarness()
        harness.initialize()
        harness.session.notify(method: "notifications/tools/list_changed")
        harness.session.notify(method: "notifications/x", params: ["a": 1])
        #expect(
            harness.sink.notifications("notifications/tools/list_changed") == [
                ["jsonrpc": "2.0", "method": "notifications/tools/list_changed"]
            ]
        )
        #expect(harness.sink.notifications("notifications/x").first?["params"] == ["a": 1])
    }

    @Test func notifyIsDroppedOnceClosed() async {
        let harness = SessionHarness()
        harness.initialize()
        await harness.session.close(grace: .milliseconds(50))
        let before = harness.sink.messages.count
        harness.session.notify(method: "notifications/x")
        #expect(harness.sink.messages.count == before)
    }

    // MARK: log

    @Test func logSendsNothingBeforeInitialize() {
        let harness = SessionHarness()
        harness.session.log(.emergency, data: "x")
        #expect(harness.sink.messages.isEmpty)
    }

    @Test func theDefaultLevelIsInfo() {
        let harness = SessionHarness()
        harness.initialize()
        harness.session.log(.debug, data: "dropped")
        harness.session.log(.info, logger: "core", data: ["k": "v"])
        harness.session.log(.warning, data: "w")
        #expect(
            logMessages(harness) == [
                ["level": "info", "logger": "core", "data": ["k": "v"]], ["level": "warning", "data": "w"],
            ]
        )
    }

    @Test(arguments: LogLevel.allCases)
    func logSendsExactlyTheLevelsAtOrAboveTheSetOne(threshold: LogLevel) {
        let harness = SessionHarness()
        harness.initialize()
        setLevel(threshold.rawValue, harness)
        for level in LogLevel.allCases { harness.session.log(level, data: .string(level.rawValue)) }
        let sent = logMessages(harness).compactMap { $0["level"]?.stringValue }
        #expect(sent == LogLevel.allCases.filter { $0 >= threshold }.map(\.rawValue))
    }

    @Test func aRejectedSetLevelKeepsThePreviousLevel() {
        let harness = SessionHarness()
        harness.initialize()
        setLevel("error", harness)
        setLevel("verbose", harness)
        harness.session.log(.warning, data: "w")
        harness.session.log(.error, data: "e")
        #expect(logMessages(harness).map { $0["level"] } == ["error"])
    }

    @Test func logSendsNothingWithoutTheLoggingCapability() {
        let harness = SessionHarness(capabilities: ServerCapabilities(logging: false))
        harness.initialize()
        harness.session.log(.emergency, data: "x")
        #expect(logMessages(harness).isEmpty)
    }

    @Test func logSendsNothingOnceClosed() async {
        let harness = SessionHarness()
        harness.initialize()
        await harness.session.close(grace: .milliseconds(50))
        harness.session.log(.emergency, data: "x")
        #expect(logMessages(harness).isEmpty)
    }

    // MARK: sendRequest

    /// Waits for the server's request number `index` (0-based, counting only requests) and returns it.
    private func serverRequest(_ index: Int, in harness: SessionHarness) async throws -> JSONValue {
        let isRequest: @Sendable (JSONValue) -> Bool = { $0["method"] != nil && $0["id"] != nil }
        let messages = await harness.sink.waitForMessages { $0.filter(isRequest).count > index }
        let requests = messages.filter(isRequest)
        try #require(requests.count > index)
        return requests[index]
    }

    @Test func aServerRequestRoundTrips() async throws {
        let harness = SessionHarness()
        harness.initialize(capabilities: ["roots": [:]])
        async let answer = harness.session.sendRequest(method: "roots/list", params: ["x": 1])
        let request = try await serverRequest(0, in: harness)
        #expect(request["method"] == "roots/list")
        #expect(request["params"] == ["x": 1])
        #expect(request["jsonrpc"] == "2.0")
        let id = try #require(request["id"])
        harness.receive(json: ["jsonrpc": "2.0", "id": id, "result": ["roots": [["uri": "file:///w"]]]])
        #expect(try await answer == ["roots": [["uri": "file:///w"]]])
    }

    @Test func answersAreMatchedByID() async throws {
        let harness = SessionHarness()
        harness.initialize()
        async let first = harness.session.sendRequest(method: "a")
        let firstRequest = try await serverRequest(0, in: harness)
        async let second = harness.session.sendRequest(method: "b")
        let secondRequest = try await serverRequest(1, in: harness)
        #expect(firstRequest["id"] != secondRequest["id"])
        let secondID = try #require(secondRequest["id"])
        let firstID = try #require(firstRequest["id"])
        harness.receive(json: ["jsonrpc": "2.0", "id": secondID, "result": ["answer": "b"]])
        harness.receive(json: ["jsonrpc": "2.0", "id": firstID, "result": ["answer": "a"]])
        #expect(try await first == ["answer": "a"])
        #expect(try await second == ["answer": "b"])
    }

    @Test func aClientErrorIsThrown() async throws {
        let harness = SessionHarness()
        harness.initialize()
        let task = Task { () throws(JSONRPCError) -> JSONValue in
            try await harness.session.sendRequest(method: "elicitation/create")
        }
        let id = try #require(try await serverRequest(0, in: harness)["id"])
        harness.receive(json: ["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": "no", "data": 1]])
        let result = await task.result
        #expect(throws: JSONRPCError(code: -32601, message: "no", data: 1)) { try result.get() }
    }

    @Test func aTimeoutFailsTheCallAndTellsTheClient() async throws {
        let harness = SessionHarness()
        harness.initialize()
        let error = await #expect(throws: JSONRPCError.self) {
            try await harness.session.sendRequest(method: "roots/list", timeout: .milliseconds(50))
        }
        #expect(error?.code == -32603)
        let request = try await serverRequest(0, in: harness)
        let cancellations = harness.sink.notifications("notifications/cancelled")
        #expect(cancellations.count == 1)
        #expect(cancellations.first?["params"]?["requestId"] == request["id"])
        #expect(cancellations.first?["params"]?["reason"]?.stringValue?.contains("timed out") == true)
        // A late answer is ignored and not replied to.
        let before = harness.sink.messages.count
        harness.receive(json: ["jsonrpc": "2.0", "id": request["id"] ?? .null, "result": [:]])
        #expect(harness.sink.messages.count == before)
    }

    @Test func theConfiguredTimeoutApplies() async throws {
        let harness = SessionHarness(requestTimeout: .milliseconds(50))
        harness.initialize()
        let error = await #expect(throws: JSONRPCError.self) {
            try await harness.session.sendRequest(method: "roots/list")
        }
        #expect(error?.code == -32603)
        #expect(harness.sink.notifications("notifications/cancelled").count == 1)
    }

    @Test func cancellingTheCallerTellsTheClient() async throws {
        let harness = SessionHarness()
        harness.initialize()
        let task = Task { () throws(JSONRPCError) -> JSONValue in
            try await harness.session.sendRequest(method: "roots/list", timeout: .seconds(30))
        }
        let request = try await serverRequest(0, in: harness)
        task.cancel()
        let result = await task.result
        #expect(throws: JSONRPCError.self) { try result.get() }
        let cancellations = harness.sink.notifications("notifications/cancelled")
        #expect(cancellations.map { $0["params"]?["requestId"] } == [request["id"]])
    }

    @Test func closingFailsAPendingServerRequest() async throws {
        let harness = SessionHarness()
        harness.initialize()
        let task = Task { () throws(JSONRPCError) -> JSONValue in
            try await harness.session.sendRequest(method: "roots/list", timeout: .seconds(30))
        }
        _ = try await serverRequest(0, in: harness)
        await harness.session.close(grace: .milliseconds(50))
        let result = await task.result
        let error = #expect(throws: JSONRPCError.self) { try result.get() }
        #expect(error?.code == -32603)
    }

    @Test func aServerRequestAfterCloseFailsWithoutBeingSent() async {
        let harness = SessionHarness()
        harness.initialize()
        await harness.session.close(grace: .milliseconds(50))
        let before = harness.sink.messages.count
        let error = await #expect(throws: JSONRPCError.self) {
            try await harness.session.sendRequest(method: "roots/list", timeout: .seconds(30))
        }
        #expect(error?.code == -32603)
        #expect(harness.sink.messages.count == before)
    }
}
