import Testing

@testable import BastionProtocol

/// Frames, dispatch, rejection, notifications and cancellation (MCPSession+Inbound.swift).
struct MCPSessionInboundTests {
    private func initializedHarness(limits: JSONLimits = .default) -> (SessionHarness, TestRoutes) {
        let routes = TestRoutes()
        let harness = SessionHarness(router: routes.router, limits: limits)
        harness.initialize()
        return (harness, routes)
    }

    // MARK: dispatch

    @Test func anUnknownMethodIsMethodNotFound() async throws {
        let (harness, _) = initializedHarness()
        harness.receive(json: SessionHarness.request("u1", "does/not/exist", [:]))
        let response = try #require(await harness.sink.waitForResponse(to: "u1"))
        #expect(response.errorCode == -32601)
        #expect(response["error"]?["message"] == "Method not found: does/not/exist")
        let record = try #require(await harness.observer.waitForRecord(.string("u1")))
        #expect(record.outcome == .error(code: -32601, message: "Method not found: does/not/exist"))
    }

    /// Found by the hostile review: `ping` was answered inline before the duplicate-id check, so a
    /// ping reusing a running call's id produced a second response with that id.
    @Test func aPingReusingARunningCallsIDIsRefusedAndTheCallStillAnswered() async throws {
        let (harness, routes) = initializedHarness()
        harness.receive(json: SessionHarness.request("s0", "gated", [:]))
        harness.receive(json: SessionHarness.request("s0", "ping", [:]))
        let refusal = try #require(await harness.sink.waitForResponse(to: "s0"))
        #expect(refusal.errorCode == -32600)
        routes.gate.open()
        _ = await harness.sink.waitForResponse(to: "s0", timeout: .milliseconds(50))
        try await Task.sleep(for: .milliseconds(100))
        let answers = harness.sink.responses(to: "s0")
        #expect(answers.count == 2)
        #expect(answers.last?["result"] == ["done": true])
    }

    @Test func aRoutedHandlersResultIsTheResponse() async throws {
        let (harness, _) = initializedHarness()
        harness.receive(json: SessionHarness.request(3, "echo", ["text": "hi", "n": [1, 2]]))
        let response = try #require(await harness.sink.waitForResponse(to: 3))
        #expect(response == ["jsonrpc": "2.0", "id": 3, "result": ["text": "hi", "n": [1, 2]]])
    }

    @Test func aThrownJSONRPCErrorIsTheResponse() async throws {
        let (harness, _) = initializedHarness()
        harness.receive(json: SessionHarness.request(4, "fail"))
        let response = try #require(await harness.sink.waitForResponse(to: 4))
        #expect(response["error"] == ["code": -32000, "message": "custom", "data": ["why": "test"]])
        #expect(response["result"] == nil)
        let record = try #require(await harness.observer.waitForRecord(.int(4)))
        #expect(record.outcome == .error(code: -32000, message: "custom"))
    }

    @Test func theHandlerSeesTheNegotiatedVersion() async throws {
        let harness = SessionHarness(router: TestRoutes().router)
        harness.initialize("2025-03-26")
        harness.receive(json: SessionHarness.request(1, "version"))
        let response = try #require(await harness.sink.waitForResponse(to: 1))
        #expect(response["result"] == ["version": "2025-03-26"])
    }

    @Test func theRecordCarriesMethodSizeAndAnnotations() async throws {
        let (harness, _) = initializedHarness()
        let frame = #"{"jsonrpc":"2.0","id":8,"method":"annotate","params":{}}"#
        harness.receive(frame)
        let record = try #require(await harness.observer.waitForRecord(.int(8)))
        #expect(record.method == "annotate")
        #expect(record.outcome == .ok)
        #expect(record.byteCount == frame.utf8.count)
        #expect(record.annotations == ["tool.name": "echo"])
        #expect(record.duration >= .zero)
    }

    @Test func aSlowRequestDoesNotHoldUpALaterOne() async throws {
        let (harness, routes) = initializedHarness()
        harness.receive(json: SessionHarness.request(1, "slow"))
        harness.receive(json: SessionHarness.request(2, "echo", ["x": 1]))
        #expect(await harness.sink.waitForResponse(to: 2) != nil)
        #expect(harness.sink.responses(to: 1).isEmpty)
        #expect(await routes.started.wait(forCount: 1) == [.int(1)])
        await harness.session.close(grace: .milliseconds(50))
    }

    // MARK: frames the parser refuses

    @Test(arguments: [
        Array("{".utf8), Array("not json".utf8), Array(#"{"jsonrpc":"2.0","id":1,"method":"ping",}"#.utf8),
        Array(#"{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}"#.utf8), [0x22, 0xFF, 0x22], Array("".utf8),
        Array(#"{"a":1} {"b":2}"#.utf8),
    ])
    func unparsableBytesAreAParseErrorWithNullID(frame: [UInt8]) throws {
        let harness = SessionHarness()
        harness.receive(bytes: frame)
        #expect(harness.sink.messages.count == 1)
        let response = try #require(harness.sink.messages.first)
        #expect(response["id"] == .null)
        #expect(response.errorCode == -32700)
        let record = try #require(harness.observer.records.first)
        #expect(record.id == nil)
        #expect(record.byteCount == frame.count)
        guard case .rejected(let code, _) = record.outcome else {
            Issue.record("expected a rejection, got \(record.outcome)")
            return
        }
        #expect(code == -32700)
    }

    @Test func nestingDeeperThanTheLimitIsAParseError() throws {
        let (harness, _) = initializedHarness(limits: JSONLimits(maxDepth: 8))
        let params = String(repeating: #"{"a":"#, count: 10) + "1" + String(repeating: "}", count: 10)
        harness.receive(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":"# + params + "}")
        let response = try #require(harness.sink.messages.last)
        #expect(response.errorCode == -32700)
        #expect(response["id"] == .null)
    }

    @Test func nestingWithinTheLimitIsAccepted() async throws {
        let (harness, _) = initializedHarness(limits: JSONLimits(maxDepth: 8))
        let params = String(repeating: #"{"a":"#, count: 6) + "1" + String(repeating: "}", count: 6)
        harness.receive(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":"# + params + "}")
        let response = try #require(await harness.sink.waitForResponse(to: 1))
        #expect(response["result"] != nil)
    }

    @Test func aFrameOverTheSizeLimitIsInvalidRequestWithNullID() throws {
        let (harness, _) = initializedHarness(limits: JSONLimits(maxBytes: 64))
        let id = String(repeating: "x", count: 100)
        harness.receive(#"{"jsonrpc":"2.0","id":""# + id + #"","method":"ping"}"#)
        let response = try #require(harness.sink.messages.last)
        #expect(response.errorCode == -32600)
        #expect(response["id"] == .null)
        #expect(response["error"]?["message"]?.stringValue?.contains("64") == true)
    }

    @Test func aFrameAtTheSizeLimitIsAccepted() throws {
        let (harness, _) = initializedHarness(limits: JSONLimits(maxBytes: 64))
        var frame = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
        frame += String(repeating: " ", count: 64 - frame.utf8.count)
        harness.receive(frame)
        #expect(harness.sink.responses(to: 1).first?["result"] == [:])
    }

    @Test func anOversizedFrameFromTheTransportIsInvalidRequest() throws {
        let (harness, _) = initializedHarness()
        harness.session.receiveOversizedFrame(byteCount: 20_000_000)
        let response = try #require(harness.sink.messages.last)
        #expect(response.errorCode == -32600)
        #expect(response["id"] == .null)
        let record = try #require(harness.observer.records.last)
        #expect(record.byteCount == 20_000_000)
        #expect(record.outcome == .rejected(code: -32600, message: "Invalid request: message exceeds 4194304 bytes"))
    }

    // MARK: invalid requests

    @Test(arguments: [
        (#"{"id":1,"method":"ping"}"#, JSONValue.int(1)),
        (#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, 1),
        (#"{"jsonrpc":2.0,"id":1,"method":"ping"}"#, 1),
        (#"{"jsonrpc":"2.0","id":1,"method":5}"#, 1),
        (#"{"jsonrpc":"2.0","id":1,"method":null}"#, 1),
        (#"{"jsonrpc":"2.0","id":1,"method":["ping"]}"#, 1),
        (#"{"jsonrpc":"2.0","id":"e","method":""}"#, "e"),
        (#"{"jsonrpc":"2.0","id":1,"method":"echo","params":5}"#, 1),
        (#"{"jsonrpc":"2.0","id":1}"#, 1),
        (#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}"#, 1),
        (#"{"jsonrpc":"2.0","id":1,"id2":2}"#, 1),
        (#"{"jsonrpc":"2.0"}"#, .null),
        (#"{}"#, .null),
        ("5", .null),
        (#""ping""#, .null),
        ("null", .null),
        ("true", .null),
    ])
    func invalidRequestsAreAnsweredWithInvalidRequest(frame: String, id: JSONValue) throws {
        let (harness, _) = initializedHarness()
        let before = harness.sink.messages.count
        harness.receive(frame)
        #expect(harness.sink.messages.count == before + 1)
        let response = try #require(harness.sink.messages.last)
        #expect(response.errorCode == -32600)
        #expect(response["id"] == id)
    }

    @Test(
        arguments: [
            #"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":true,"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
        ])
    func aRequestWithAnUnusableIDIsAnsweredWithNullID(frame: String) throws {
        let (harness, _) = initializedHarness()
        let before = harness.sink.messages.count
        harness.receive(frame)
        #expect(harness.sink.messages.count == before + 1)
        let response = try #require(harness.sink.messages.last)
        #expect(response.errorCode == -32600)
        #expect(response["id"] == .null)
    }

    // MARK: notifications and stray responses

    @Test(arguments: [
        #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        #"{"jsonrpc":"2.0","method":"notifications/whatever","params":{"a":1}}"#,
        #"{"jsonrpc":"2.0","method":"tools/list"}"#,
        #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":999}}"#,
        #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{}}"#,
        #"{"jsonrpc":"2.0","method":"notifications/cancelled"}"#,
        #"{"jsonrpc":"2.0","method":"notifications/test","params":5}"#,
        #"{"jsonrpc":"1.0","method":"notifications/test"}"#,
        #"{"method":"notifications/test"}"#,
        #"{"jsonrpc":"2.0","method":""}"#,
        #"{"jsonrpc":"2.0","id":987654,"result":{}}"#,
        #"{"jsonrpc":"2.0","id":987655,"error":{"code":-32601,"message":"no"}}"#,
    ])
    func notificationsAndStrayResponsesAreNeverAnswered(frame: String) async throws {
        let (harness, _) = initializedHarness()
        let before = harness.sink.messages.count
        harness.receive(frame)
        harness.receive(json: SessionHarness.request("after", "ping"))
        let messages = harness.sink.messages
        #expect(messages.count == before + 1)
        #expect(messages.last == ["jsonrpc": "2.0", "id": "after", "result": [:]])
    }

    @Test func notificationsAreNotAnsweredBeforeInitializeEither() {
        let harness = SessionHarness()
        harness.receive(json: SessionHarness.notification("notifications/whatever"))
        harness.receive(#"{"jsonrpc":"2.0","method":"x","params":5}"#)
        #expect(harness.sink.messages.isEmpty)
    }

    @Test func anErrorResponseWithNullIDIsNotAnswered() {
        let (harness, _) = initializedHarness()
        let before = harness.sink.messages.count
        harness.receive(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#)
        #expect(harness.sink.messages.count == before)
    }

    @Test func aRoutedNotificationReachesItsHandler() {
        let (harness, routes) = initializedHarness()
        harness.receive(json: SessionHarness.notification("notifications/test", ["k": "v"]))
        #expect(routes.notified.elements == [["k": "v"]])
    }

    // MARK: cancellation and ids

    @Test func aCancelledRequestGetsNoResponse() async throws {
        let (harness, routes) = initializedHarness()
        harness.receive(json: SessionHarness.request(7, "slow"))
        #expect(await routes.started.wait(forCount: 1) == [.int(7)])
        harness.receive(
            json: SessionHarness.notification("notifications/cancelled", ["requestId": 7, "reason": "user"])
        )
        let record = try #require(await harness.observer.waitForRecord(.int(7)))
        #expect(record.outcome == .cancelled)
        // The handler's task was cancelled, not merely ignored.
        #expect(await routes.interrupted.wait(forCount: 1) == [.int(7)])
        await harness.session.close(grace: .milliseconds(50))
        #expect(harness.sink.responses(to: 7).isEmpty)
        #expect(harness.observer.records(for: .int(7)).count == 1)
    }

    @Test func aStringIDCanBeCancelled() async throws {
        let (harness, routes) = initializedHarness()
        harness.receive(json: SessionHarness.request("s-7", "slow"))
        _ = await routes.started.wait(forCount: 1)
        harness.receive(json: SessionHarness.notification("notifications/cancelled", ["requestId": "s-7"]))
        let record = try #require(await harness.observer.waitForRecord(.string("s-7")))
        #expect(record.outcome == .cancelled)
        await harness.session.close(grace: .milliseconds(50))
        #expect(harness.sink.responses(to: "s-7").isEmpty)
    }

    @Test func cancellingAnotherIDLeavesTheRequestRunning() async throws {
        let (harness, routes) = initializedHarness()
        harness.receive(json: SessionHarness.request(1, "gated"))
        harness.receive(json: SessionHarness.notification("notifications/cancelled", ["requestId": "1"]))
        harness.receive(json: SessionHarness.notification("notifications/cancelled", ["requestId": 2]))
        routes.gate.open()
        let response = try #require(await harness.sink.waitForResponse(to: 1))
        #expect(response["result"] == ["done": true])
    }

    @Test func aDuplicateInFlightIDIsInvalidRequest() async throws {
        let (harness, routes) = initializedHarness()
        harness.receive(json: SessionHarness.request(7, "slow"))
        _ = await routes.started.wait(forCount: 1)
        harness.receive(json: SessionHarness.request(7, "echo", ["second": true]))
        let response = try #require(harness.sink.responses(to: 7).first)
        #expect(response.errorCode == -32600)
        let rejection = try #require(harness.observer.records(for: .int(7)).first)
        #expect(rejection.method == "echo")
        guard case .rejected(-32600, _) = rejection.outcome else {
            Issue.record("expected a rejection, got \(rejection.outcome)")
            return
        }
        // The first request is still in flight: cancelling it works.
        harness.receive(json: SessionHarness.notification("notifications/cancelled", ["requestId": 7]))
        #expect(await routes.interrupted.wait(forCount: 1) == [.int(7)])
        await harness.session.close(grace: .milliseconds(50))
        #expect(harness.sink.responses(to: 7).count == 1)
    }
}
