/// The one line `bastion sandbox-exec` writes on ``SandboxPolicy/statusDescriptor``: `applied
/// {report}` before `execve`, or `failed <step>: <message>` before exiting 126 or 127.
public enum SandboxStatus: Sendable, Hashable {
    /// Everything was applied; the child is about to `execve`.
    case applied(SandboxReport)
    /// A step failed; nothing was executed.
    case failed(step: String, message: String)

    /// The line, newline included.
    public var line: [UInt8] {
        switch self {
        case .applied(let report):
            return Array("applied ".utf8) + report.encoded() + [UInt8(ascii: "\n")]
        case .failed(let step, let message):
            let flat = message.utf8.map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: " ") : $0 }
            return Array("failed \(step): ".utf8) + flat + [UInt8(ascii: "\n")]
        }
    }

    /// Parses everything `sandbox-exec` wrote on the status descriptor up to EOF: `applied` alone
    /// (the program runs), or a `failed` last line (after an `applied` one when `execve` failed).
    /// - Throws: ``SandboxError`` when there is no line (the child died before reporting), more
    ///   than two, or a malformed one.
    public init(parsingOutput bytes: [UInt8]) throws(SandboxError) {
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        guard let last = lines.last else {
            throw SandboxError(message: "sandbox-exec ended without a status line")
        }
        guard lines.count <= 2 else { throw SandboxError(message: "sandbox-exec wrote more than two status lines") }
        if lines.count == 2 {
            guard case .applied = try SandboxStatus(parsing: Array(lines[0])),
                case .failed = try SandboxStatus(parsing: Array(last))
            else {
                throw SandboxError(message: "sandbox-exec's second status line must be a failure after \"applied\"")
            }
        }
        self = try SandboxStatus(parsing: Array(last))
    }

    /// Parses a status line (a trailing newline is allowed).
    /// - Throws: ``SandboxError`` when it is neither form.
    public init(parsing bytes: [UInt8]) throws(SandboxError) {
        var line = bytes[...]
        if line.last == UInt8(ascii: "\n") { line = line.dropLast() }
        if line.starts(with: "applied ".utf8) {  // path-bytes: a status line's bytes, not a path
            self = .applied(try SandboxReport(decoding: Array(line.dropFirst(8))))
            return
        }
        guard line.starts(with: "failed ".utf8) else {  // path-bytes: a status line's bytes, not a path
            throw SandboxError(message: "the sandbox status line is neither \"applied\" nor \"failed\"")
        }
        let rest = line.dropFirst(7)
        guard let colon = rest.firstIndex(of: UInt8(ascii: ":")) else {
            throw SandboxError(message: "the sandbox status line has no step")
        }
        let message = rest[rest.index(after: colon)...].drop(while: { $0 == UInt8(ascii: " ") })
        self = .failed(
            step: String(decoding: rest[..<colon], as: UTF8.self),
            message: String(decoding: message, as: UTF8.self)
        )
    }
}
