import BastionProtocol
import BastionSecurity
import Logging

extension ApprovalManager {
    /// The form a client shows: one yes/no question.
    static let elicitationSchema: JSONValue = [
        "type": "object",
        "properties": [
            "approve": [
                "type": "boolean", "title": "Allow this action?",
                "description": "Tick to let the call run; leave unticked or decline to refuse it.",
            ]
        ],
        "required": ["approve"],
    ]

    /// The question put to the person behind the client, and the preview it shows.
    struct ClientQuestion {
        /// The elicitation's message.
        var message: String
        /// What the call will do, when its tool has a previewer.
        var preview: ApprovalPreview?
    }

    /// The question for a call, or why it cannot be asked (a preview that found the call unaskable).
    func clientQuestion(
        tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext
    ) async -> Result<ClientQuestion, ApprovalRefusal> {
        var message =
            "Bastion asks for your approval.\n"
            + ApprovalDescriber.description(clientID: client.id, tool: tool, arguments: arguments)
        let preview = await preview(tool: tool, arguments: arguments, client: client)
        if let preview {
            if let reason = preview.unaskableReason {
                return .failure(ApprovalRefusal(kind: .unavailable, channel: .client, reason: reason))
            }
            message += "\n" + preview.text
        }
        message += "\nAllow this action?"
        return .success(ClientQuestion(message: message, preview: preview))
    }

    /// Asks the person behind the client: through `elicitation/create` on a handshake-era session,
    /// through an `input_required` result on 2026-07-28; fails closed without elicitation.
    func askClient(
        tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext,
        context: RequestContext,
        retry: InputRetry
    ) async -> ApprovalVerdict {
        // 2026-07-28 asks through an `input_required` result, not a server-to-client request.
        if context.envelope != nil {
            return await askThroughRetry(
                tool: tool,
                arguments: arguments,
                client: client,
                context: context,
                retry: retry
            )
        }
        let session = context.session
        func refused(_ kind: ApprovalRefusal.Kind, _ reason: String) -> ApprovalVerdict {
            .refused(ApprovalRefusal(kind: kind, channel: .client, reason: reason))
        }
        guard session.clientInfo?.supportsElicitation == true else {
            return refused(
                .unavailable,
                "approval channel client needs elicitation support, which this client did not declare"
            )
        }
        guard let version = session.negotiatedVersion, version.hasElicitation else {
            let version = session.negotiatedVersion?.rawValue ?? "none"
            return refused(
                .unavailable,
                "approval channel client needs elicitation (protocol 2025-06-18 or later); this session uses \(version)"
            )
        }
        let question: ClientQuestion
        switch await clientQuestion(tool: tool, arguments: arguments, client: client) {
        case .success(let asked): question = asked
        case .failure(let refusal): return .refused(refusal)
        }
        let (message, preview) = (question.message, question.preview)
        let start = ContinuousClock.now
        context.awaitingInput(true)
        defer { context.awaitingInput(false) }
        do {
            switch try await session.elicit(
                message: message,
                requestedSchema: Self.elicitationSchema,
                timeout: timeout,
                meta: context.relatedTaskMeta
            ) {
            case .accept(let content) where content["approve"] == true:
                return .allowed(.client, basis: preview?.basis)
            case .accept:
                return refused(.denied, "refused through the client")
            case .decline:
                return refused(.denied, "declined through the client")
            case .cancel:
                return refused(.denied, "dismissed through the client")
            }
        } catch {
            if Task.isCancelled || context.isCancelled || context.isTimedOut {
                return interrupted(.client, context: context, client: client)
            }
            if ContinuousClock.now - start >= timeout { return refused(.timeout, timeoutReason) }
            return refused(.denied, "the client's answer to the approval request was an error (\(error.message))")
        }
    }

    /// Asks the operator through the local socket (`bastion approve`), out of the AI client's reach.
    func askOperator(
        tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext,
        context: RequestContext
    ) async -> ApprovalVerdict {
        func refused(_ kind: ApprovalRefusal.Kind, _ reason: String) -> ApprovalVerdict {
            .refused(ApprovalRefusal(kind: kind, channel: .local, reason: reason))
        }
        do {
            _ = try startListener()
        } catch {
            logger.error("Approval socket unavailable", metadata: ["error": "\(error.message)"])
            return refused(.unavailable, "the local approval channel is unavailable: \(error.message)")
        }
        let preview = await preview(tool: tool, arguments: arguments, client: client)
        if let reason = preview?.unaskableReason { return refused(.unavailable, reason) }
        var id = ApprovalRequest.makeID()
        while pending.request(id: id) != nil { id = ApprovalRequest.makeID() }
        let request = ApprovalRequest(
            id: id,
            clientID: client.id,
            tool: tool.name,
            summary: ApprovalDescriber.summary(arguments: arguments),
            description: ApprovalDescriber.description(clientID: client.id, tool: tool, arguments: arguments),
            createdAt: .now,
            preview: preview?.text
        )
        context.annotate("approval_id", .string(id))
        let (logger, onPending) = (logger, onPending)
        let answer = await pending.wait(for: request, timeout: timeout) { request in
            onPending?(request)
            logger.notice(
                "approval needed: run \"bastion approve list\"",
                metadata: [
                    "approval.id": "\(request.id)", "client.id": "\(request.clientID)", "tool.name": "\(request.tool)",
                ]
            )
            context.log(
                .notice,
                logger: "bastion.approval",
                data: .string("The call to \(request.tool) waits for a person to approve it (bastion approve list).")
            )
        }
        switch answer {
        case .allowed:
            return .allowed(.local, basis: preview?.basis)
        case .denied(let reason):
            return refused(.denied, "denied by the operator" + (reason.map { " (\($0))" } ?? ""))
        case .timedOut:
            return refused(.timeout, timeoutReason)
        case .cancelled:
            return interrupted(.local, context: context, client: client)
        }
    }
}
