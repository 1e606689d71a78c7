import Logging
import Synchronization

extension MCPSession {
    /// Answers the messages the session owns, inline and in order; `nil` means "dispatch to a handler".
    func inlineAnswer(id: RequestID, method: String, params: JSONValue?) -> Result<JSONValue, JSONRPCError>? {
        switch method {
        case "initialize":
            return initialize(params: params)
        case "ping":
            // Allowed at any time, before initialization too (ping.mdx).
            return .success([:])
        default:
            break
        }
        if isClosed { return .failure(.invalidRequest("the session is closing")) }
        guard isInitialized else {
            return .failure(.invalidRequest("the session is not initialized; send \"initialize\" first"))
        }
        if method == "logging/setLevel", configuration.capabilities.logging {
            return setLogLevel(params: params)
        }
        return nil
    }

    private func initialize(params: JSONValue?) -> Result<JSONValue, JSONRPCError> {
        guard case .object(let members)? = params else {
            return .failure(.invalidParams("initialize needs an object with protocolVersion, capabilities, clientInfo"))
        }
        guard case .string(let requested)? = members["protocolVersion"] else {
            return .failure(.invalidParams("\"protocolVersion\" must be a string"))
        }
        let capabilities = members["capabilities"]?.objectValue ?? [:]
        let info = members["clientInfo"]
        let client = ClientInfo(
            name: info?["name"]?.stringValue ?? "unknown",
            version: info?["version"]?.stringValue ?? "unknown",
            capabilities: capabilities
        )
        let version = ProtocolVersion.negotiate(requested: requested)
        let accepted = state.withLock { state -> Bool in
            guard case .awaitingInitialize = state.phase else { return false }
            state.phase = .initialized(version, client)
            publish(version)
            return true
        }
        guard accepted else { return .failure(.invalidRequest("the session is already initialized")) }
        logger.info(
            "Session initialized",
            metadata: [
                "mcp.version": "\(version.rawValue)", "client.name": "\(client.loggedName)",
                "client.requested_version": "\(requested.prefix(32))",
            ]
        )
        observer.sessionInitialized(self, version: version, client: client)
        return .success(initializeResult(version: version))
    }

    private func initializeResult(version: ProtocolVersion) -> JSONValue {
        let identity = configuration.identity
        var serverInfo: [String: JSONValue] = ["name": .string(identity.name), "version": .string(identity.version)]
        if version.hasStructuredContent, let title = identity.title { serverInfo["title"] = .string(title) }
        var result: [String: JSONValue] = [
            "protocolVersion": .string(version.rawValue),
            "capabilities": configuration.capabilities.json(for: version),
            "serverInfo": .object(serverInfo),
        ]
        if let instructions = identity.instructions { result["instructions"] = .string(instructions) }
        return .object(result)
    }

    private func setLogLevel(params: JSONValue?) -> Result<JSONValue, JSONRPCError> {
        guard let name = params?["level"]?.stringValue, let level = LogLevel(rawValue: name) else {
            let names = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(.invalidParams("\"level\" must be one of \(names)"))
        }
        state.withLock { $0.logLevel = level }
        return .success([:])
    }
}
