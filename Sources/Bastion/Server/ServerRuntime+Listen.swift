import BastionProtocol
import BastionSecurity

extension ServerRuntime {
    /// Routes `subscriptions/listen` (2026-07-28; basic/patterns/subscriptions.mdx): acknowledged at
    /// once with the honoured subset of its filter — tool list changes (a reload that changes the
    /// client's tools), and updates of the resources it names that the client may read (each one as
    /// `resources/subscribe` would take it; one it may not is left out of the acknowledgement) —,
    /// then open until the client cancels it. Prompt and resource lists do not change within a
    /// connection, so those kinds are never honoured. -32601 on a handshake-era connection.
    func addListenRoute(to router: inout RequestRouter, client: ClientContext) {
        router.on("subscriptions/listen") { [self] params, context throws(JSONRPCError) in
            guard context.envelope != nil else { throw .methodNotFound("subscriptions/listen") }
            let requested = params?["notifications"]
            guard case .object(let wanted)? = requested else {
                throw .invalidParams("\"notifications\" must be an object (the kinds of change to receive)")
            }
            // Over HTTP each listen is a session of its own: the client's listens are bounded together.
            try context.session.reserveListen()
            defer { context.session.releaseListen() }
            var filter = ListenFilter()
            var honored: [String: JSONValue] = [:]
            if wanted["toolsListChanged"] == true {
                filter.toolsListChanged = true
                honored["toolsListChanged"] = true
            }
            if let uris = wanted["resourceSubscriptions"] {
                guard case .array(let list) = uris, list.count <= resources.maxSubscriptionsPerSession else {
                    throw .invalidParams(
                        "\"resourceSubscriptions\" must be an array of at most "
                            + "\(resources.maxSubscriptionsPerSession) URIs"
                    )
                }
                for case .string(let uri) in list where !filter.resourceURIs.contains(uri) {
                    guard
                        (try? await resources.subscribe(params: ["uri": .string(uri)], client: client, context: context))
                            != nil
                    else { continue }
                    filter.resourceURIs.insert(uri)
                }
                honored["resourceSubscriptions"] = .array(filter.resourceURIs.sorted().map(JSONValue.string))
            }
            if let ids = wanted["taskIds"] {
                guard context.client?.supportsTasksExtension == true else {
                    throw TasksExtension.missing("\"taskIds\" in subscriptions/listen")
                }
                guard case .array(let list) = ids, list.count <= TaskStore.Limits().maximumRetained else {
                    throw .invalidParams(
                        "\"taskIds\" must be an array of at most \(TaskStore.Limits().maximumRetained) task ids"
                    )
                }
                // Only the caller's own tasks; any other id is left out, as if it did not exist.
                let owner = ToolTask.Owner(client: client.id, session: TaskStore.extensionSession)
                for case .string(let id) in list where (try? tasks.find(.string(id), owner: owner)) != nil {
                    filter.taskIDs.insert(id)
                }
                honored["taskIds"] = .array(filter.taskIDs.sorted().map(JSONValue.string))
            }
            context.annotate("listen", .object(honored.mapValues { $0 }))
            let session = context.session
            session.beginListen(context.id, filter: filter, honored: .object(honored))
            // Open until cancelled: no handler deadline applies to a listen.
            context.extendDeadline(by: .seconds(100 * 365 * 86_400))
            while !Task.isCancelled, !context.isCancelled {
                try? await Task.sleep(for: .seconds(3_600))
            }
            for uri in session.endListen(context.id) {
                _ = try? resources.unsubscribe(params: ["uri": .string(uri)], context: context)
            }
            throw .internalError("the listen ended")
        }
    }
}
