import Synchronization

/// `subscriptions/listen` on a 2026-07-28 connection: change notifications go to the listens
/// that asked for them, tagged with each listen's id, and nowhere else.
extension MCPSession {
    /// Starts delivering what `filter` asks for to the listen `id`, once its acknowledgement with
    /// `honored` (the subset the server serves) is written: nothing of the listen precedes it.
    /// A change that happens as the acknowledgement is written is delivered right after it, never
    /// lost (a client may change a file as soon as it reads the acknowledgement).
    public func beginListen(_ id: RequestID, filter: ListenFilter, honored: JSONValue) {
        listenOrder.withLock { _ in
            write(
                .notification(
                    method: "notifications/subscriptions/acknowledged",
                    params: ["_meta": [ListenFilter.subscriptionIDKey: id.json], "notifications": honored]
                )
            )
            state.withLock { $0.listens[id] = filter }
        }
    }

    /// Takes one of the client's listen slots for a stateless request (``ExchangeQuota/maximumListens``).
    /// A connection's listens are bounded by its session's credits: always granted there.
    /// - Throws: -32005 when the client's listens hold every slot.
    public func reserveListen() throws(JSONRPCError) {
        guard let quota = exchange?.quota else { return }
        guard quota.acquireListen() else {
            throw JSONRPCError(
                code: JSONRPCError.serverBusyCode,
                message: "Server busy: \(quota.maximumListens) subscriptions/listen of this client are open; "
                    + "end one first",
                data: ["listens": .int(Int64(quota.maximumListens))]
            )
        }
    }

    /// Gives back what ``reserveListen()`` took.
    public func releaseListen() {
        exchange?.quota?.releaseListen()
    }

    /// Stops a listen; returns the URIs no other listen of this connection still watches.
    @discardableResult
    public func endListen(_ id: RequestID) -> Set<String> {
        state.withLock { state in
            guard let ended = state.listens.removeValue(forKey: id) else { return [] }
            let kept = state.listens.values.reduce(into: Set<String>()) { $0.formUnion($1.resourceURIs) }
            return ended.resourceURIs.subtracting(kept)
        }
    }

    /// A change notification on a modern connection: one copy per listen that wants it, with that
    /// listen's id in `_meta`; none when no listen does (the revision has no unsolicited ones).
    func deliverToListens(method: String, params: JSONValue?) {
        listenOrder.withLock { _ in deliverInOrder(method: method, params: params) }
    }

    private func deliverInOrder(method: String, params: JSONValue?) {
        let listens = state.withLock { state in state.listens.filter { $0.value.wants(method, params: params) }.keys }
        for id in listens {
            var members = params?.objectValue ?? [:]
            var meta = members["_meta"]?.objectValue ?? [:]
            meta[ListenFilter.subscriptionIDKey] = id.json
            members["_meta"] = .object(meta)
            write(.notification(method: method, params: .object(members)))
        }
    }
}
