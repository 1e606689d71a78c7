public import BastionProtocol
package import BastionSecurity

/// One invocation of a tool, as its handler sees it: validated arguments plus the request's
/// progress, logging and cancellation.
public struct ToolCall: Sendable {
    /// The tool's name.
    public let name: String
    /// The arguments, already validated against the tool's input schema.
    public let arguments: [String: JSONValue]
    /// The request this call belongs to.
    public let request: RequestContext
    /// The process-wide memory budget: reserve what the answer will hold before reading or encoding it.
    public let memory: AnswerMemory
    /// What the approved preview of this call was computed from, when a person approved it on one.
    package let approvalBasis: ApprovalBasis?

    /// Creates a call; the tool manager does this.
    package init(
        name: String,
        arguments: [String: JSONValue],
        request: RequestContext,
        memoryBudget: MemoryBudget? = nil,
        approvalBasis: ApprovalBasis? = nil
    ) {
        self.approvalBasis = approvalBasis
        self.name = name
        self.arguments = arguments
        self.request = request
        self.memory = AnswerMemory(budget: memoryBudget, request: request)
    }

    /// The string argument `key`, if present and a string.
    public func string(_ key: String) -> String? { arguments[key]?.stringValue }

    /// The integer argument `key`, if present and integral.
    public func integer(_ key: String) -> Int64? { arguments[key]?.intValue }

    /// Reports progress to the client when it asked for it.
    public func reportProgress(_ progress: Double, total: Double? = nil, message: String? = nil) {
        request.reportProgress(progress, total: total, message: message)
    }

    /// Sends a log message to the client at `level` (respecting the level it set, or this request asked for).
    public func log(_ level: LogLevel, _ data: JSONValue) {
        request.log(level, logger: name, data: data)
    }

    /// Whether the client cancelled this call.
    public var isCancelled: Bool { request.isCancelled || Task.isCancelled }
}
