import BastionProtocol
import BastionSecurity

/// Shows what an execution will run: the argv (each argument on its own line, quoted, so spaces,
/// quotes and look-alike characters cannot hide one argument inside another), or the language and
/// the whole code; the working directory; the environment; standard input; privileges.
///
/// It reads the arguments only, as ARCHITECTURE §4 names them (`run_command`, `run_code`,
/// `start_process`, `write_process_input`), so the execution tools get their previews as soon as
/// they are registered. Input written to a process session is shown whole: a REPL runs it.
struct ExecutionPreviewer: ApprovalPreviewer {
    var toolNames: Set<String> { ["run_command", "run_code", "start_process", "write_process_input"] }

    func preview(tool: ToolDefinition, arguments: [String: JSONValue], client: ClientContext) -> ApprovalPreview? {
        let directory = workingDirectory(arguments["cwd"]?.stringValue, client: client)
        var lines: [String] = []
        let title: String
        if let argv = arguments["command"]?.arrayValue {
            let program = argv.first?.stringValue ?? "?"
            title = "Runs the program \(Self.quoted(program)) with \(max(0, argv.count - 1)) arguments in \(directory):"
            lines.append("program: \(Self.quoted(program))")
            for (index, argument) in argv.dropFirst().enumerated() {
                lines.append(
                    "argument \(index + 1): \(Self.quoted(argument.stringValue ?? JSONWriter.string(argument)))"
                )
            }
        } else if tool.name == "write_process_input", let input = arguments["input"]?.stringValue {
            let session = arguments["sessionId"]?.stringValue ?? "?"
            let closing = arguments["close"]?.boolValue == true ? ", then closes its input" : ""
            title = "Writes \(input.utf8.count) bytes to process session \(Self.quoted(session))\(closing):"
            lines.append(input)
            return ApprovalPreview(title: title, body: lines.joined(separator: "\n"))
        } else if tool.name == "start_process", arguments["code"] == nil,
            let language = arguments["language"]?.stringValue
        {
            title =
                "Starts the \(Self.quoted(language)) interpreter interactively in \(directory); "
                + "whatever is written to it later runs:"
            lines.append("interactive \(Self.quoted(language)) session")
        } else if let code = arguments["code"]?.stringValue {
            let language = arguments["language"]?.stringValue ?? "?"
            title = "Runs this \(Self.quoted(language)) code (\(code.utf8.count) bytes) in \(directory):"
            lines.append(code)
        } else {
            return nil
        }
        lines += details(arguments)
        return ApprovalPreview(title: title, body: lines.joined(separator: "\n"))
    }

    /// Environment, input, privileges and time limit, when given.
    func details(_ arguments: [String: JSONValue]) -> [String] {
        var lines: [String] = []
        if let environment = arguments["env"]?.objectValue, !environment.isEmpty {
            lines.append("environment:")
            for key in environment.keys.sorted() {
                let value = AuditRedactor.isSecret(key) ? "<redacted>" : (environment[key]?.stringValue ?? "")
                lines.append("  \(key)=\(Self.quoted(value))")
            }
        }
        if let input = arguments["stdin"]?.stringValue {
            lines.append("standard input (\(input.utf8.count) bytes):")
            lines.append(input)
        }
        if arguments["sudo"]?.boolValue == true { lines.append("with elevated privileges (sudo)") }
        if let timeout = arguments["timeout_ms"]?.intValue { lines.append("time limit: \(timeout) ms") }
        return lines
    }

    /// The directory the child starts in: `cwd` resolved like any path of the client, else its workdir.
    func workingDirectory(_ cwd: String?, client: ClientContext) -> String {
        guard let cwd else { return client.workdir + " (the client's working directory)" }
        return client.resolve(.read, path: cwd).canonicalPath ?? cwd
    }

    /// A JSON string literal: quotes and backslashes escaped, so where an argument ends is unambiguous.
    static func quoted(_ text: String) -> String { JSONWriter.string(.string(text)) }
}
