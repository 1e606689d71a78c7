import Testing

@testable import BastionProtocol

struct RequestRouterTests {
    private func makeContext(method: String) -> RequestContext {
        RequestContext(id: .int(1), method: method, params: nil, session: SessionHarness().session)
    }

    @Test func anEmptyRouterRoutesNothing() {
        let router = RequestRouter()
        #expect(router.requestHandler(for: "ping") == nil)
        #expect(router.requestHandler(for: "tools/list") == nil)
        #expect(router.notificationHandler(for: "notifications/initialized") == nil)
    }

    @Test func routesARequestToItsHandler() async throws {
        var router = RequestRouter()
        router.on("echo") { params, context in ["params": params ?? .null, "method": .string(context.method)] }
        let handler = try #require(router.requestHandler(for: "echo"))
        let result = try await handler(["a": 1], makeContext(method: "echo"))
        #expect(result == ["params": ["a": 1], "method": "echo"])
        #expect(router.requestHandler(for: "Echo") == nil)
        #expect(router.requestHandler(for: "echo ") == nil)
    }

    @Test func aLaterRouteReplacesAnEarlierOne() async throws {
        var router = RequestRouter()
        router.on("m") { _, _ in "first" }
        router.on("m") { _, _ in "second" }
        let handler = try #require(router.requestHandler(for: "m"))
        #expect(try await handler(nil, makeContext(method: "m")) == "second")
    }

    @Test func aHandlerMayThrowAJSONRPCError() async throws {
        var router = RequestRouter()
        router.on("fail") { _, _ throws(JSONRPCError) in throw .invalidParams("nope") }
        let handler = try #require(router.requestHandler(for: "fail"))
        let error = await #expect(throws: JSONRPCError.self) { try await handler(nil, makeContext(method: "fail")) }
        #expect(error?.code == JSONRPCError.invalidParamsCode)
    }

    @Test func requestsAndNotificationsAreSeparateNamespaces() throws {
        let calls = Recorder<JSONValue>()
        var router = RequestRouter()
        router.on("both") { _, _ in [:] }
        router.onNotification("notifications/roots/list_changed") { params, _ in calls.append(params ?? .null) }
        #expect(router.notificationHandler(for: "both") == nil)
        #expect(router.requestHandler(for: "notifications/roots/list_changed") == nil)
        let handler = try #require(router.notificationHandler(for: "notifications/roots/list_changed"))
        handler(["x": 1], SessionHarness().session)
        #expect(calls.elements == [["x": 1]])
    }

    @Test func routersAreValuesCopiedOnWrite() {
        var original = RequestRouter()
        original.on("a") { _, _ in [:] }
        var copy = original
        copy.on("b") { _, _ in [:] }
        #expect(original.requestHandler(for: "b") == nil)
        #expect(copy.requestHandler(for: "a") != nil)
    }
}
