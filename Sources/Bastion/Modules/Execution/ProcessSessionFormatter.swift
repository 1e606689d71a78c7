import BastionProtocol
import BastionResources
import BastionSecurity

/// Turns process sessions into tool results: `structuredContent` and a text summary.
enum ProcessSessionFormatter {
    /// The output read and the state of the session (`start_process`, `read_process_output`).
    static func reading(_ reading: ProcessSession.Reading, of session: ProcessSession) -> ToolResult {
        let dropped = reading.stdout.dropped + reading.stderr.dropped
        var members = status(session, outcome: reading.outcome, isRunning: reading.isRunning)
        members["stdout"] = .string(String(decoding: reading.stdout.bytes, as: UTF8.self))
        members["stderr"] = .string(String(decoding: reading.stderr.bytes, as: UTF8.self))
        members["stdoutOffset"] = .int(Int64(reading.stdout.nextOffset))
        members["stderrOffset"] = .int(Int64(reading.stderr.nextOffset))
        members["dropped"] = .int(Int64(dropped))
        var text = summary(session, outcome: reading.outcome, isRunning: reading.isRunning)
        text += "; next offsets: stdout \(reading.stdout.nextOffset), stderr \(reading.stderr.nextOffset)"
        if dropped > 0 {
            text +=
                "\n\(dropped) bytes of output were discarded before they were read (the output buffer holds "
                + "your output_kb limit per stream)"
        }
        if !reading.stdout.bytes.isEmpty {
            text += "\n--- stdout ---\n" + String(decoding: reading.stdout.bytes, as: UTF8.self)
        }
        if !reading.stderr.bytes.isEmpty {
            text += "\n--- stderr ---\n" + String(decoding: reading.stderr.bytes, as: UTF8.self)
        }
        // As for run_command: a run the sandbox refused to start is an error, not an ordinary end.
        let refused = reading.outcome?.sandboxFailure != nil
        return ToolResult(content: [.text(text)], structuredContent: .object(members), isError: refused)
    }

    /// The session's id and state, with its exit status once it ended.
    static func status(_ session: ProcessSession, outcome: ProcessOutcome?, isRunning: Bool) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "sessionId": .string(session.id),
            "pid": session.pid.map { .int(Int64($0)) } ?? .null,
            "running": .bool(isRunning),
            "exitCode": outcome?.exitCode.map { .int(Int64($0)) } ?? .null,
            "signal": outcome?.signal.map(JSONValue.string) ?? .null,
            "timedOut": .bool(outcome?.timedOut ?? false),
        ]
        if let outcome {
            members["durationMs"] = .int(Int64(outcome.durationMs))
            if let failure = outcome.sandboxFailure { members["sandboxFailure"] = .string(failure) }
        }
        if session.isIdleExpired { members["idleExpired"] = true }
        if let signal = session.killSignal { members["killedWith"] = .string(signal) }
        return members
    }

    /// One line: the session, running or how it ended.
    static func summary(_ session: ProcessSession, outcome: ProcessOutcome?, isRunning: Bool) -> String {
        guard let outcome, !isRunning else {
            return "Session \(session.id) is running" + (session.pid.map { " (pid \($0))" } ?? "")
        }
        var text = "Session \(session.id) ended"
        if let code = outcome.exitCode { text += " with exit code \(code)" }
        if let signal = outcome.signal { text += ", killed by \(signal)" }
        if outcome.timedOut { text += " at its timeout_ms (the process group was killed)" }
        if session.isIdleExpired { text += " after being idle past session_idle_ms (the process group was killed)" }
        if let signal = session.killSignal { text += " after kill_process sent \(signal)" }
        if let failure = outcome.sandboxFailure { text += "; the sandbox refused to run it: \(failure)" }
        return text + " in \(outcome.durationMs) ms"
    }

    /// `list_processes`: one entry per session of the caller.
    static func list(_ sessions: [ProcessSession]) -> ToolResult {
        var entries: [JSONValue] = []
        var lines: [String] = []
        for session in sessions {
            let result = session.result
            var members = status(session, outcome: result?.outcome, isRunning: result == nil)
            members["command"] = .string(session.summary)
            members["startedAt"] = .string(timestamp(session.startedAtMs))
            members["lastActivity"] = .string(timestamp(session.lastActivityMs))
            entries.append(.object(members))
            lines.append("\(session.summary): " + summary(session, outcome: result?.outcome, isRunning: result == nil))
        }
        let text = lines.isEmpty ? "No process sessions" : lines.joined(separator: "\n")
        return ToolResult(content: [.text(text)], structuredContent: ["sessions": .array(entries)])
    }

    static func timestamp(_ milliseconds: Int64) -> String {
        AuditTimestamp.format(seconds: Int(milliseconds / 1_000), microseconds: Int(milliseconds % 1_000) * 1_000)
    }
}
