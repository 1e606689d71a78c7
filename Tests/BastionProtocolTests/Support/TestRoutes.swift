@testable import BastionProtocol

/// A router with handlers whose behaviour the session tests can observe.
///
/// - `echo`: answers with its params (or `{}`).
/// - `fail`: throws -32000 "custom" with `data`.
/// - `slow`: waits up to 30 s for cancellation; records its id in ``started`` and, once cancelled,
///   in ``interrupted``.
/// - `gated`: waits for ``gate`` and answers `{"done":true}`.
/// - `annotate`: adds `tool.name` to its audit record.
/// - `version`: answers with the negotiated version.
/// - `ask`: sends the request `test/ask` to the client and answers with the client's result.
/// - notification `notifications/test`: recorded in ``notified``.
struct TestRoutes {
    let started = Recorder<RequestID>()
    let interrupted = Recorder<RequestID>()
    let notified = Recorder<JSONValue>()
    let gate = Gate()
    private(set) var router = RequestRouter()

    init() {
        let started = started
        let interrupted = interrupted
        let notified = notified
        let gate = gate
        router.on("echo") { params, _ in params ?? [:] }
        router.on("fail") { _, _ throws(JSONRPCError) in
            throw JSONRPCError(code: -32000, message: "custom", data: ["why": "test"])
        }
        router.on("slow") { _, context throws(JSONRPCError) in
            started.append(context.id)
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                interrupted.append(context.id)
                throw .internalError("interrupted")
            }
            return ["slept": true]
        }
        router.on("gated") { _, _ in
            await gate.wait(timeout: .seconds(30))
            return ["done": true]
        }
        router.on("annotate") { _, context in
            context.annotate("tool.name", "echo")
            return [:]
        }
        router.on("version") { _, context in
            ["version": .string(context.session.negotiatedVersion?.rawValue ?? "none")]
        }
        router.on("ask") { _, context throws(JSONRPCError) in
            try await context.session.sendRequest(method: "test/ask", timeout: .seconds(10))
        }
        router.onNotification("notifications/test") { params, _ in notified.append(params ?? .null) }
    }
}
