import Logging
import Synchronization

/// The 2026-07-28 revision beside the handshake era on one connection (transports/stdio.mdx,
/// "Backward compatibility"; versioning.mdx).
///
/// The connection's first request decides its era and keeps it, as the Python SDK's dual-era
/// server does: a valid modern envelope makes it modern (and `initialize` then gets -32022, which
/// sends a probing client back to `server/discover`); `initialize` makes it handshake-era (and a
/// modern envelope then gets -32600). A request whose envelope is refused decides nothing, so a
/// client whose `server/discover` failed can still `initialize`. On a modern connection every
/// request is checked on its own envelope; nothing is inferred from an earlier one.
extension MCPSession {
    /// What the era check made of a request.
    enum EraDecision {
        /// A handshake-era request (or one before any era): the existing path.
        case handshake
        /// A modern request whose envelope is valid: dispatched with it.
        case modern(ModernEnvelope)
        /// Answered or refused here.
        case handled
    }

    /// Methods 2026-07-28 removed: -32601 on a modern connection, served on handshake ones
    /// (changelog.mdx; core `tasks/*` became the tasks extension, which keeps `tasks/get` and
    /// `tasks/cancel` and has neither `tasks/result` nor `tasks/list`).
    static let removedInModern: Set<String> = [
        "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe", "tasks/result", "tasks/list",
    ]

    /// Results that carry `ttlMs` and `cacheScope` (utilities/caching.mdx).
    static let cacheableMethods: Set<String> = [
        "server/discover", "tools/list", "prompts/list", "resources/list", "resources/templates/list",
        "resources/read",
    ]

    /// Whether the connection speaks 2026-07-28.
    public var isModern: Bool { negotiatedVersion?.isModern ?? false }

    /// Sorts a request into its era, answering here what only the era decides.
    func decideEra(
        id: RequestID,
        method: String,
        params: JSONValue?,
        byteCount: Int,
        receivedAt: ContinuousClock.Instant
    ) -> EraDecision {
        let meta = ModernEnvelope.meta(method: method, params: params)
        let present = meta != nil
        let current = negotiatedVersion
        func refuse(_ error: JSONRPCError, _ annotations: [String: JSONValue] = [:]) -> EraDecision {
            reject(
                id: id,
                method: method,
                error: error,
                byteCount: byteCount,
                since: receivedAt,
                annotations: annotations
            )
            return .handled
        }
        if let current, !current.isModern {
            guard !present else {
                return refuse(
                    .invalidRequest(
                        "this connection began with initialize (protocol \(current.rawValue)); a request with the "
                            + "2026-07-28 \"_meta\" envelope does not belong on it"
                    )
                )
            }
            return .handshake
        }
        guard let meta else {
            if current == nil, method != "server/discover" { return .handshake }
            if method == "initialize" {
                let requested = params?["protocolVersion"]?.stringValue ?? ""
                return refuse(.unsupportedProtocolVersion(requested: requested))
            }
            return refuse(
                .invalidParams(
                    "a 2026-07-28 request carries \"_meta\" with \"\(ModernEnvelope.Key.protocolVersion)\" and "
                        + "\"\(ModernEnvelope.Key.clientCapabilities)\""
                ),
                [AuditKey.protocol: .string(ProtocolVersion.v2026_07_28.rawValue)]
            )
        }
        let envelope: ModernEnvelope
        do {
            envelope = try ModernEnvelope(meta: meta)
        } catch {
            return refuse(error, [AuditKey.protocol: .string(ProtocolVersion.v2026_07_28.rawValue)])
        }
        // Over HTTP, what the headers say (and a gateway may have routed on) is what the body says.
        if let headers = exchange?.headers {
            do throws(JSONRPCError) {
                try headers.validate(method: method, params: params)
            } catch {
                return refuse(error, Self.auditAnnotations(envelope))
            }
        }
        if current == nil { becomeModern(envelope) }
        // `tools/call`, by far the most frequent, without hashing its name.
        if method != "tools/call", Self.removedInModern.contains(method) {
            return refuse(.methodNotFound(method), Self.auditAnnotations(envelope))
        }
        if method == "server/discover" {
            answerInline(
                id: id,
                method: method,
                result: discoverResult(),
                envelope: envelope,
                byteCount: byteCount,
                receivedAt: receivedAt
            )
            return .handled
        }
        return .modern(envelope)
    }

    /// Marks the connection modern for good (its first valid modern request), with a
    /// `session-start` record naming the client the envelope claims.
    private func becomeModern(_ envelope: ModernEnvelope) {
        let became = state.withLock { state -> Bool in
            guard case .awaitingInitialize = state.phase else { return false }
            state.phase = .modern
            publish(envelope.version)
            return true
        }
        guard became else { return }
        logger.info(
            "Session speaks 2026-07-28",
            metadata: ["mcp.version": "\(envelope.version.rawValue)", "client.name": "\(envelope.client.loggedName)"]
        )
        observer.sessionInitialized(self, version: envelope.version, client: envelope.client)
    }

    /// The answer to `server/discover` (server/discover.mdx): every revision served, what is served
    /// on this one, the instructions (with the sandbox report), not to be cached across clients.
    func discoverResult() -> JSONValue {
        let identity = configuration.identity
        var result: [String: JSONValue] = [
            "supportedVersions": .array(ProtocolVersion.allCases.reversed().map { .string($0.rawValue) }),
            "capabilities": configuration.capabilities.json(for: .v2026_07_28),
        ]
        if let instructions = identity.instructions { result["instructions"] = .string(instructions) }
        return .object(result)
    }

    /// Writes and records an answer made on the reader thread.
    func answerInline(
        id: RequestID,
        method: String,
        result: JSONValue,
        envelope: ModernEnvelope?,
        byteCount: Int,
        receivedAt: ContinuousClock.Instant
    ) {
        let unrecorded = observer.sessionRecorded(
            self,
            RequestRecord(
                id: id,
                method: method,
                outcome: .ok,
                duration: .now - receivedAt,
                byteCount: byteCount,
                annotations: envelope.map(Self.auditAnnotations) ?? [:]
            )
        )
        if let unrecorded {
            write(.errorResponse(id: id, error: unrecorded))
        } else {
            write(.response(id: id, result: envelope == nil ? result : modernResult(result, method: method).value))
        }
    }

    /// A result as 2026-07-28 has it: `resultType` (index.mdx: every result), the server's identity
    /// in `_meta`, and, on a complete result of a cacheable method, `ttlMs` 0 and `cacheScope`
    /// `private` unless the handler chose: every answer of Bastion depends on the client's rights.
    ///
    /// - Parameter leavingServerInfo: Leave the identity out of a result that has no `_meta` of
    ///   its own, for ``writeWithServerInfo(_:holding:)`` to splice in pre-encoded.
    /// - Returns: The result, and whether the identity was left out.
    func modernResult(
        _ value: JSONValue,
        method: String,
        leavingServerInfo: Bool = false
    ) -> (value: JSONValue, leftOut: Bool) {
        guard case .object(var members) = value else { return (value, false) }
        let isComplete: Bool
        if let given = members["resultType"] {
            isComplete = given == "complete"
        } else {
            members["resultType"] = "complete"
            isComplete = true
        }
        var leftOut = false
        // The identity is built once per session; a result's own `_meta` keeps its members.
        if case .object(var meta)? = members["_meta"] {
            members["_meta"] = nil  // uniquely referenced again, so the merge does not copy it
            meta.merge(serverInfoMeta) { _, server in server }
            members["_meta"] = .object(meta)
        } else if leavingServerInfo {
            leftOut = true
        } else {
            members["_meta"] = .object(serverInfoMeta)
        }
        // `tools/call`, by far the most frequent, is not one: no set lookup for it.
        if isComplete, method != "tools/call", Self.cacheableMethods.contains(method) {
            if members["ttlMs"] == nil { members["ttlMs"] = 0 }
            if members["cacheScope"] == nil { members["cacheScope"] = "private" }
        }
        return (.object(members), leftOut)
    }

    /// Writes a response whose result object lacks `_meta`, with the server's identity spliced in
    /// as its first member from bytes encoded once per session: no dictionary insert, no nested
    /// objects to sort and write on every answer (the envelope's cost, issue 11 item 9).
    @discardableResult
    func writeWithServerInfo(_ message: JSONRPCMessage, holding held: [any AnyObject & Sendable] = []) -> Bool {
        guard case .response(let id, let result) = message, case .object = result else {
            return write(message, holding: held)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + serverInfoMember.count)
        bytes.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.write(id.json, into: &bytes)
        bytes.append(contentsOf: #","jsonrpc":"2.0","result":{"#.utf8)
        bytes.append(contentsOf: serverInfoMember)
        let opening = bytes.count
        JSONWriter.write(result, into: &bytes)
        // The result's own `{` becomes the comma after the identity, or goes when it is empty.
        if bytes.count - opening == 2 {
            bytes.removeLast(2)
            bytes.append(UInt8(ascii: "}"))
        } else {
            bytes[opening] = UInt8(ascii: ",")
        }
        bytes.append(UInt8(ascii: "}"))
        return send(encoded: bytes, of: message, holding: held)
    }

    /// An error as 2026-07-28 allows it: no -32002 (an unknown resource is -32602 now) and
    /// nothing else of the range the revision reserves (-32020…-32099) but its own three codes.
    static func modernError(_ error: JSONRPCError) -> JSONRPCError {
        switch error.code {
        case JSONRPCError.resourceNotFoundCode:
            return JSONRPCError(code: JSONRPCError.invalidParamsCode, message: error.message, data: error.data)
        case -32099 ... -32023:
            return JSONRPCError(code: JSONRPCError.internalErrorCode, message: error.message, data: error.data)
        default:
            return error
        }
    }

    /// What a modern request's audit record says of its revision and of the client it claims to be.
    static func auditAnnotations(_ envelope: ModernEnvelope) -> [String: JSONValue] {
        // Room for the handler's own notes (tool, decision, permission, args, outcome…).
        var annotations = [String: JSONValue](minimumCapacity: 10)
        annotations[AuditKey.protocol] = .string(envelope.version.rawValue)
        // Bounded by the audit observer, like every client-chosen string.
        annotations[AuditKey.clientName] = .string(envelope.client.name)
        annotations[AuditKey.clientVersion] = .string(envelope.client.version)
        return annotations
    }

    /// Audit field names of the era.
    enum AuditKey {
        static let `protocol` = "protocol"
        static let clientName = "client_name"
        static let clientVersion = "client_version"
    }
}
