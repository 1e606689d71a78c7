import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

/// Shows long text through the person's pager when standard output is a terminal.
///
/// The pager is `$PAGER` split on blanks (no shell is involved), or `less -R` without it. Anything
/// else — output to a pipe or a file, a pager that cannot start — is the caller's to print.
enum Pager {
    /// The pager's argument vector.
    /// - Parameter environment: The process environment.
    /// - Returns: `$PAGER`'s words, or `["less", "-R"]` when it is unset or blank.
    static func command(environment: [String: String]) -> [String] {
        let words = (environment["PAGER"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        return words.isEmpty ? ["less", "-R"] : words
    }

    /// Pages `text` when `isTerminal`.
    /// - Parameters:
    ///   - text: What to show.
    ///   - isTerminal: Whether standard output is a terminal (default: asks the kernel).
    ///   - environment: Where `PAGER` is read.
    /// - Returns: `true` when a pager showed it; `false` when the caller should print it.
    static func show(
        _ text: String,
        isTerminal: Bool = isatty(STDOUT_FILENO) == 1,
        environment: [String: String] = ProcessEnvironment.current()
    ) -> Bool {
        guard isTerminal else { return false }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return false }
        let (reading, writing) = (pipeEnds[0], pipeEnds[1])
        guard let child = spawn(command(environment: environment), stdin: reading, closing: writing) else {
            close(reading)
            close(writing)
            return false
        }
        close(reading)
        // The person may quit the pager before reading everything: EPIPE then, not a fatal SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        // A pager that quit early (EPIPE) has seen what the person wanted: nothing to report.
        _ = Array(text.utf8).withUnsafeBytes { FileDescriptorIO.writeAll(writing, $0) }
        close(writing)
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0, errno == EINTR {}
        return true
    }

    /// Starts `argv` (looked up in `PATH`) with `stdin` as its standard input.
    private static func spawn(_ argv: [String], stdin: Int32, closing other: Int32) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, stdin)
        posix_spawn_file_actions_addclose(&actions, other)
        var arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, argv[0], &actions, nil, &arguments, environ)
        return status == 0 ? child : nil
    }
}
