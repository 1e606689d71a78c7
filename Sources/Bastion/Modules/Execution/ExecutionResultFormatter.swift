import BastionProtocol
import BastionResources

#if canImport(Glibc)
import Glibc
#endif

/// Turns a finished run into the tool result: `structuredContent` and a text summary.
enum ExecutionResultFormatter {
    static func structured(_ result: ExecutionResult) -> JSONValue {
        let outcome = result.outcome
        var members: [String: JSONValue] = [
            "exitCode": outcome.exitCode.map { .int(Int64($0)) } ?? .null,
            "signal": outcome.signal.map(JSONValue.string) ?? .null,
            "stdout": .string(String(decoding: outcome.stdout, as: UTF8.self)),
            "stderr": .string(String(decoding: outcome.stderr, as: UTF8.self)),
            "timedOut": .bool(outcome.timedOut),
            "truncated": .bool(outcome.truncated),
            "durationMs": .int(Int64(outcome.durationMs)),
            "sandbox": outcome.sandboxReport ?? .null,
        ]
        if let failure = outcome.sandboxFailure { members["sandboxFailure"] = .string(failure) }
        if let usage = outcome.cgroupUsage {
            members["memoryLimitHit"] = .bool(usage.memoryLimitHit)
            members["processLimitHit"] = .bool(usage.processLimitHit)
        }
        members["uid"] = .int(Int64(uid(of: result)))
        if !result.excludedWriteRoots.isEmpty {
            members["excludedWriteRoots"] = .array(result.excludedWriteRoots.map(JSONValue.string))
        }
        return .object(members)
    }

    /// The result: an error when the sandbox refused to run the child, the run timed out or was killed.
    static func result(_ result: ExecutionResult) -> ToolResult {
        let outcome = result.outcome
        var text = summary(outcome)
        if let failure = outcome.sandboxFailure { text += "\nThe sandbox refused to run it: \(failure)" }
        if outcome.sandboxFailure == nil { text += "\nRan as uid \(uid(of: result))" }
        for root in result.excludedWriteRoots { text += "\nLeft out of the write set: \(root)" }
        if !outcome.stdout.isEmpty { text += "\n--- stdout ---\n" + String(decoding: outcome.stdout, as: UTF8.self) }
        if !outcome.stderr.isEmpty { text += "\n--- stderr ---\n" + String(decoding: outcome.stderr, as: UTF8.self) }
        let failed = outcome.sandboxFailure != nil || outcome.timedOut || outcome.wasCancelled
        return ToolResult(content: [.text(text)], structuredContent: structured(result), isError: failed)
    }

    /// The uid the child ran as: the policy's switch (`run_as`), else the server's own.
    static func uid(of result: ExecutionResult) -> UInt32 {
        result.policy.user?.uid ?? geteuid()
    }

    /// An upper bound of the bytes the answer's encoding takes: each stream twice (text and
    /// structured content), a control byte escaped as `\u00XX`, an invalid byte as U+FFFD.
    static func encodedSizeEstimate(_ outcome: ProcessOutcome) -> Int {
        var total = 65_536
        for stream in [outcome.stdout, outcome.stderr] {
            for byte in stream {
                total += byte < 0x20 ? 12 : (byte == 0x22 || byte == 0x5C ? 4 : (byte >= 0x80 ? 6 : 2))
            }
        }
        return total
    }

    static func summary(_ outcome: ProcessOutcome) -> String {
        var parts: [String] = []
        if outcome.timedOut {
            parts.append("Timed out after \(outcome.durationMs) ms; the process group was killed")
        } else if outcome.wasCancelled {
            parts.append("Cancelled; the process group was killed")
        }
        if let code = outcome.exitCode {
            parts.append("Exit code \(code) in \(outcome.durationMs) ms")
        } else if let signal = outcome.signal {
            parts.append("Killed by \(signal) after \(outcome.durationMs) ms")
        }
        if outcome.cgroupUsage?.memoryLimitHit == true {
            parts.append("the run reached its memory limit (limits.memory_mb) and the kernel killed a process of it")
        }
        if outcome.cgroupUsage?.processLimitHit == true {
            parts.append("the run reached its process limit (limits.processes): a fork was refused")
        }
        if outcome.truncated { parts.append("output truncated at the output_kb limit") }
        return parts.joined(separator: "; ")
    }
}
