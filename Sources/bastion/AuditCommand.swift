import ArgumentParser
import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

/// `bastion audit`: tools for the audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with the audit log.",
        subcommands: [Verify.self]
    )

    /// `bastion audit verify FILE...`: checks the hash chain of audit files.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that audit logs are intact (no record edited, inserted, deleted, reordered or cut off).",
            discussion: """
                Exits 0 when every file is intact, 1 otherwise, naming the first bad record of each file \
                as FILE:LINE. A truncated tail is caught when FILE.head (written by the server) exists.
                """
        )

        @Argument(help: ArgumentHelp("Audit log files (JSON lines).", valueName: "file"))
        var files: [String]

        func run() throws {
            var isIntact = true
            for file in files {
                isIntact = check(file) && isIntact
            }
            if !isIntact { throw ExitCode.failure }
        }

        /// Verifies one file and prints its verdict; returns whether it is intact.
        private func check(_ file: String) -> Bool {
            let result: AuditVerification
            do {
                result = try AuditVerifier.verify(path: file)
            } catch {
                printError("\(file): \(error.message)")
                return false
            }
            for warning in result.warnings { printError("\(file): warning: \(warning)") }
            guard let failure = result.failure else {
                print("\(file): \(result.recordCount) records, chain intact")
                return true
            }
            let subject = failure.sequence.map { "record seq \($0)" } ?? "record"
            print("\(file):\(failure.line): \(subject): \(failure.reason)")
            return false
        }

        private func printError(_ text: String) {
            var line = Array((text + "\n").utf8)
            _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }
}
