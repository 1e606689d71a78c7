import BastionProtocol
import BastionSecurity

extension ApprovalManager {
    /// The key of the approval question in `inputRequests` and `inputResponses`.
    static let inputKey = "approval"

    /// Asks the person behind a 2026-07-28 client (basic/patterns/mrtr.mdx): the first call is
    /// answered with an `input_required` result carrying the question as an `elicitation/create`
    /// request and a sealed `requestState`; the client's retry carries the person's answer and the
    /// state back. The answer counts only when the state opens for this client, this tool and these
    /// arguments, within its lifetime, once, and when the question it was sealed with is still the
    /// one the call would ask now (a file that changed in between is asked about again).
    func askThroughRetry(
        tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext,
        context: RequestContext,
        retry: InputRetry
    ) async -> ApprovalVerdict {
        // The state is opened before anything is previewed: a junk state costs no file read.
        var claims: RequestStateClaims?
        if let state = retry.state {
            let opened = requestStates.open(
                state,
                client: client.id,
                method: "tools/call",
                target: tool.name,
                arguments: .object(arguments)
            )
            switch opened {
            case .failure(let refusal):
                context.annotate("request_state", .string(refusal.rawValue))
                return .failed(Self.invalidRequestState)
            case .success(let opened):
                context.annotate("request_state", "valid")
                claims = opened
            }
        }
        let question: ClientQuestion
        switch await clientQuestion(tool: tool, arguments: arguments, client: client) {
        case .success(let asked): question = asked
        case .failure(let refusal): return .refused(refusal)
        }
        let basis = question.preview?.basis?.canonicalBytes ?? []
        var note: String?
        if let claims {
            // The same words are not enough: what they were computed from must be the same too.
            if claims.shownDigest != RequestStateSealer.digest(of: question.message)
                || claims.basisDigest != RequestStateSealer.digest(ofBasis: basis)
            {
                note = "What this call would do changed since you were asked; here it is again.\n"
            } else if let answer = retry.responses?[Self.inputKey] {
                return verdict(answer, preview: question.preview)
            }
        }
        guard context.client?.supportsElicitation == true else {
            return .failed(
                .missingRequiredClientCapability(
                    ["elicitation": [:]],
                    detail: "this client's calls of \(tool.name) need a person's approval, asked through "
                        + "elicitation (approval_channel = \"client\"); declare the elicitation capability, "
                        + "or have the operator approve them locally (approval_channel = \"local\")"
                )
            )
        }
        let message = (note ?? "") + question.message
        guard
            let sealed = requestStates.seal(
                client: client.id,
                method: "tools/call",
                target: tool.name,
                arguments: .object(arguments),
                shown: question.message,
                basis: basis
            )
        else {
            return .refused(
                ApprovalRefusal(
                    kind: .unavailable,
                    channel: .client,
                    reason: "the approval request could not be sealed"
                )
            )
        }
        return .inputRequired([
            "resultType": "input_required",
            "inputRequests": [
                Self.inputKey: [
                    "method": "elicitation/create",
                    "params": ["mode": "form", "message": .string(message), "requestedSchema": Self.elicitationSchema],
                ]
            ],
            "requestState": .string(sealed),
        ])
    }

    /// -32602 for any `requestState` that does not hold, in the words of the reference server: the
    /// client learns nothing of why; the audit record says (`request_state`).
    static let invalidRequestState = JSONRPCError(
        code: JSONRPCError.invalidParamsCode,
        message: "Invalid or expired requestState",
        data: ["reason": "invalid_request_state"]
    )

    /// The verdict of the person's answer, an `ElicitResult` (`action`, `content.approve`).
    private func verdict(_ answer: JSONValue, preview: ApprovalPreview?) -> ApprovalVerdict {
        func refused(_ reason: String) -> ApprovalVerdict {
            .refused(ApprovalRefusal(kind: .denied, channel: .client, reason: reason))
        }
        switch answer["action"]?.stringValue {
        case "accept" where answer["content"]?["approve"] == true:
            return .allowed(.client, basis: preview?.basis)
        case "accept":
            return refused("refused through the client")
        case "decline":
            return refused("declined through the client")
        case "cancel":
            return refused("dismissed through the client")
        default:
            return .failed(
                .invalidParams(
                    "inputResponses.\(Self.inputKey) must be an elicitation result (\"action\": accept, decline or cancel)"
                )
            )
        }
    }
}
