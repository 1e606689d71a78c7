import BastionProtocol

/// The methods a fuzzed session serves: echoes (on the pool and inline), a failure, progress and
/// notifications, server-to-client requests the input may answer, and a call that outlives its
/// deadline. Every handler finishes within a few milliseconds, so an input never hangs.
enum FuzzRouter {
    static let make: RequestRouter = {
        var router = RequestRouter()
        router.on("echo") { params, _ in params ?? .null }
        router.on("echo/inline", start: .inline) { params, _ in params ?? .null }
        router.on("tools/call", start: .inlineWhen({ $0?["name"] == "inline" })) { params, _ in params ?? .null }
        router.on("fail") { _, _ throws(JSONRPCError) in throw .invalidParams("refused by the fuzz router") }
        router.on("progress") { params, context in
            context.reportProgress(0.5, total: 1, message: "half way")
            context.annotate("fuzz", params ?? .null)
            return .null
        }
        router.on("notify") { params, context in
            context.session.notify(method: "notifications/message", params: params)
            context.session.log(.warning, logger: "fuzz", data: params ?? .null)
            return .null
        }
        router.on("roots") { _, context throws(JSONRPCError) in
            let roots = try await context.session.listRoots(timeout: .milliseconds(3))
            return .int(Int64(roots.count))
        }
        router.on("elicit") { params, context throws(JSONRPCError) in
            let answer = try await context.session.elicit(
                message: "fuzz",
                requestedSchema: params ?? [:],
                timeout: .milliseconds(3)
            )
            return answer == .decline ? "declined" : "answered"
        }
        router.on("slow") { _, context in
            // Past the 2 ms handler deadline unless cancelled first.
            try? await Task.sleep(for: .milliseconds(5))
            return .bool(context.isCancelled)
        }
        router.onNotification("notifications/initialized") { _, _ in }
        router.onNotification("notifications/roots/list_changed") { _, _ in }
        return router
    }()
}
