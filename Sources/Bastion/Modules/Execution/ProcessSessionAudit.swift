import BastionProtocol
import BastionResources
import BastionSecurity

/// What process sessions add to the audit (ARCHITECTURE §8): the start (argv or code digest, cwd,
/// limits, sandbox), kills and the end (exit status, duration) — sizes of input and output only,
/// never their content.
enum ProcessSessionAudit {
    /// The `start_process` call's record: what runs, where, under which limits.
    static func recordStart(_ session: ProcessSession, request: ExecutionRequest, on call: ToolCall) {
        var execution: [String: JSONValue] = ["processSession": .string(session.id)]
        if let policy = session.policy {
            execution["cwd"] = .string(policy.workingDirectory)
            execution["executable"] = .string(policy.executable)
            execution["limits"] = ExecutionAudit.limits(policy.limits)
            execution["restrictsNetwork"] = .bool(policy.restrictsNetwork)
        }
        var code: (language: String, sha256: String)?
        if case .code(let language, let source) = request.program {
            code = (language, ExecutionManager.sha256(Array(source.utf8)))
        }
        ExecutionAudit.describe(request, code: code, into: &execution)
        execution["stdinBytes"] = .int(Int64(request.stdin.count))
        call.request.annotate("execution", .object(execution))
        redactArguments(on: call)
    }

    /// A read: how many bytes it returned, and the loss it reported.
    static func recordRead(_ reading: ProcessSession.Reading, on call: ToolCall) {
        call.request.annotate(
            "execution",
            [
                "stdoutBytes": .int(Int64(reading.stdout.bytes.count)),
                "stderrBytes": .int(Int64(reading.stderr.bytes.count)),
                "dropped": .int(Int64(reading.stdout.dropped + reading.stderr.dropped)),
                "running": .bool(reading.isRunning),
            ]
        )
    }

    /// A write: its size, never its content.
    static func recordWrite(bytes: Int, close: Bool, on call: ToolCall) {
        var arguments = call.arguments
        arguments["input"] = .string("<\(bytes) bytes>")
        call.request.annotate("args", AuditRedactor.summarize(.object(arguments)))
        call.request.annotate("execution", ["inputBytes": .int(Int64(bytes)), "close": .bool(close)])
    }

    /// The fields of the `process-end` record written when a session's process ended.
    static func endFields(_ session: ProcessSession, _ result: ExecutionResult) -> [String: JSONValue] {
        let outcome = result.outcome
        let produced = session.producedBytes
        var fields: [String: JSONValue] = [
            "processSession": .string(session.id),
            "command": AuditRedactor.summarize(.string(session.summary)),
            "executable": .string(result.policy.executable),
            "exitCode": outcome.exitCode.map { .int(Int64($0)) } ?? .null,
            "signal": outcome.signal.map(JSONValue.string) ?? .null,
            "timedOut": .bool(outcome.timedOut),
            "idleExpired": .bool(session.isIdleExpired),
            "killedWith": session.killSignal.map(JSONValue.string) ?? .null,
            "durationMs": .int(Int64(outcome.durationMs)),
            "stdoutBytes": .int(Int64(produced.stdout)),
            "stderrBytes": .int(Int64(produced.stderr)),
            "sandbox": outcome.sandboxReport ?? .null,
        ]
        if let failure = outcome.sandboxFailure { fields["sandboxFailure"] = .string(failure) }
        if let usage = outcome.cgroupUsage {
            fields["memoryLimitHit"] = .bool(usage.memoryLimitHit)
            fields["processLimitHit"] = .bool(usage.processLimitHit)
        }
        return fields
    }

    /// `start_process`'s `args` without code, environment values or initial input (sizes only).
    static func redactArguments(on call: ToolCall) {
        ExecutionAudit.redactArguments(on: call, extra: ["stdin"])
    }
}
