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

                Rotated logs (audit_max_bytes) form one chain across files: give them oldest first, \
                e.g. `bastion audit verify audit.jsonl.3 audit.jsonl.2 audit.jsonl.1 audit.jsonl`, and \
                each file must continue the one before it. A file that begins with a rotate record and \
                is checked without its predecessor is reported as continuing a chain from seq N; \
                everything within it is still checked.
                """
        )

        @Argument(help: ArgumentHelp("Audit log files (JSON lines), rotated ones oldest first.", valueName: "file"))
        var files: [String]

        func run() throws {
            var isIntact = true
            var previous: String? = nil
            for (file, result) in zip(files, AuditVerifier.verify(paths: files)) {
                let isFileIntact = report(file, result, after: previous)
                previous = isFileIntact ? file : nil
                isIntact = isFileIntact && isIntact
            }
            if !isIntact { throw ExitCode.failure }
        }

        /// Prints one file's verdict; returns whether it is intact.
        ///
        /// - Parameters:
        ///   - file: The file.
        ///   - outcome: Its verification.
        ///   - previous: The intact file given just before it, which it had to continue.
        private func report(
            _ file: String,
            _ outcome: Result<AuditVerification, AuditError>,
            after previous: String?
        )
            -> Bool
        {
            let result: AuditVerification
            switch outcome {
            case .success(let verification):
                result = verification
            case .failure(let error):
                printError("\(file): \(error.message)")
                return false
            }
            for warning in result.warnings { printError("\(file): warning: \(warning)") }
            guard let failure = result.failure else {
                var continuation = ""
                if let sequence = result.continuedSequence, result.recordCount > 0 {
                    continuation =
                        previous.map { " (continues \($0) from seq \(sequence))" }
                        ?? " (continues a chain from seq \(sequence))"
                }
                print("\(file): \(result.recordCount) records, chain intact\(continuation)")
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
