import Foundation
import Testing

/// What a run of the `bastion` binary produced.
struct CommandOutput: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Whether the process was stopped by the safety watchdog instead of exiting by itself.
    var timedOut: Bool

    /// The non-empty stdout lines.
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs the built `bastion` executable, the way an MCP client or an operator would.
enum BastionBinary {
    /// The built executable: `BASTION_BINARY` when set, otherwise the `bastion` file found walking up from the
    /// running test bundle (it sits in the same build directory, whatever the scratch path).
    static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["BASTION_BINARY"] { return explicit }
        let start =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: start).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("bastion").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// Ignores SIGPIPE in the test process once: a child that exits before reading its input must make
    /// the write fail, not kill the test runner.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// A private environment: HOME and XDG_STATE_HOME in `home`, nothing else from the test process but PATH.
    static func environment(home: String) -> [String: String] {
        [
            "HOME": home, "XDG_STATE_HOME": home + "/state",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
    }

    /// Runs `bastion arguments…` with `input` on stdin (then end of input) and collects everything.
    ///
    /// A watchdog stops a process still running after `limit`; that is a safety net against a hung
    /// test, not a timing assertion (`timedOut` records it).
    static func run(
        _ arguments: [String],
        input: String = "",
        home: String,
        limit: Duration = .seconds(60)
    ) async throws -> CommandOutput {
        let executable = try #require(path, "the bastion binary was not found next to the test bundle")
        _ = ignoreBrokenPipes
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment(home: home)
        process.currentDirectoryURL = URL(fileURLWithPath: home)
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()

        let readOut = Task.detached { stdout.fileHandleForReading.readDataToEndOfFile() }
        let readErr = Task.detached { stderr.fileHandleForReading.readDataToEndOfFile() }
        let watchdog = Task.detached { () -> Bool in
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled, process.isRunning else { return false }
            process.terminate()
            return true
        }
        if !input.isEmpty { try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let outData = await readOut.value
        let errData = await readErr.value
        process.waitUntilExit()
        watchdog.cancel()
        let timedOut = await watchdog.value
        return CommandOutput(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            timedOut: timedOut
        )
    }
}

/// A private temporary directory (made with `mkdtemp`) that tests remove when they are done.
struct ScratchDirectory: ~Copyable {
    /// The absolute path of the directory.
    let path: String

    /// Creates a fresh directory under `/tmp`.
    init() throws {
        var template = Array("/tmp/bastion-cli-tests.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
        // Searchable, not listable: a root server refuses a workdir its children's run_as user
        // (nobody) cannot reach, and the state directory of these tests is in here.
        chmod(path, 0o711)
        mkdir(path + "/state", 0o711)
        chmod(path + "/state", 0o711)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` and returns its path.
    func write(_ text: String, to name: String) throws -> String {
        let target = file(name)
        try text.write(toFile: target, atomically: false, encoding: .utf8)
        return target
    }
}
