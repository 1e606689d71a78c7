import BastionProtocol
import BastionResources
import BastionSecurity

/// What a run adds to its call's audit record (ARCHITECTURE §8): the argument vector (redacted)
/// or the code's digest, the working directory, the limits and sandbox in force, and how it ended.
enum ExecutionAudit {
    static func record(_ result: ExecutionResult, request: ExecutionRequest, on call: ToolCall) {
        let policy = result.policy
        let outcome = result.outcome
        var execution: [String: JSONValue] = [
            "cwd": .string(policy.workingDirectory),
            "executable": .string(policy.executable),
            "limits": limits(policy.limits),
            "restrictsNetwork": .bool(policy.restrictsNetwork),
            "sandbox": outcome.sandboxReport ?? .null,
            "exitCode": outcome.exitCode.map { .int(Int64($0)) } ?? .null,
            "signal": outcome.signal.map(JSONValue.string) ?? .null,
            "timedOut": .bool(outcome.timedOut),
            "cancelled": .bool(outcome.wasCancelled),
            "truncated": .bool(outcome.truncated),
            "durationMs": .int(Int64(outcome.durationMs)),
        ]
        if let failure = outcome.sandboxFailure { execution["sandboxFailure"] = .string(failure) }
        if let usage = outcome.cgroupUsage {
            execution["memoryLimitHit"] = .bool(usage.memoryLimitHit)
            execution["processLimitHit"] = .bool(usage.processLimitHit)
        }
        if !result.excludedWriteRoots.isEmpty {
            execution["excludedWriteRoots"] = .array(result.excludedWriteRoots.map(JSONValue.string))
        }
        describe(request, code: result.code, into: &execution)
        call.request.annotate("execution", .object(execution))
        redactArguments(on: call)
    }

    static func recordRefusal(_ error: ExecutionError, request: ExecutionRequest, on call: ToolCall) {
        var execution: [String: JSONValue] = ["refused": .string(error.code.description)]
        describe(request, code: nil, into: &execution)
        call.request.annotate("execution", .object(execution))
        redactArguments(on: call)
    }

    /// Reads a request from the call's arguments; arguments the schema let through but the tool
    /// refuses still get an `execution` note, with the code reduced to its size.
    static func recordingInvalid(
        _ call: ToolCall,
        _ body: () throws(ToolError) -> ExecutionRequest
    ) throws(ToolError) -> ExecutionRequest {
        do {
            return try body()
        } catch {
            call.request.annotate("execution", ["refused": "invalidRequest"])
            redactArguments(on: call)
            throw error
        }
    }

    static func describe(
        _ request: ExecutionRequest,
        code: (language: String, sha256: String)?,
        into execution: inout [String: JSONValue]
    ) {
        switch request.program {
        case .command(let argv):
            execution["argv"] = AuditRedactor.summarize(.array(argv.map(JSONValue.string)))
        case .code(let language, let source):
            execution["language"] = .string(language)
            execution["codeBytes"] = .int(Int64(source.utf8.count))
            if let code { execution["codeSha256"] = .string(code.sha256) }
        }
        if !request.environment.isEmpty {
            execution["envNames"] = AuditRedactor.summarize(.array(request.environment.map { .string($0.name) }))
        }
    }

    /// The call's `args` without the code itself or environment values (only their names and sizes).
    /// - Parameter extra: More string arguments reduced to their sizes (a session's `stdin`).
    static func redactArguments(on call: ToolCall, extra: [String] = []) {
        var arguments = call.arguments
        for name in ["code"] + extra {
            if case .string(let text)? = arguments[name] { arguments[name] = .string("<\(text.utf8.count) bytes>") }
        }
        if case .object(let env)? = arguments["env"] {
            arguments["env"] = .object(
                env.mapValues { value in .string("<\(value.stringValue?.utf8.count ?? 0) bytes>") }
            )
        }
        call.request.annotate("args", AuditRedactor.summarize(.object(arguments)))
    }

    static func limits(_ limits: SandboxPolicy.Limits) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if let value = limits.cpuSeconds { members["cpuSeconds"] = .int(Int64(value)) }
        if let value = limits.addressSpaceBytes { members["addressSpaceBytes"] = .int(Int64(value)) }
        if let value = limits.openFiles { members["openFiles"] = .int(Int64(value)) }
        if let value = limits.processes { members["processes"] = .int(Int64(value)) }
        if let value = limits.fileSizeBytes { members["fileSizeBytes"] = .int(Int64(value)) }
        return .object(members)
    }
}
