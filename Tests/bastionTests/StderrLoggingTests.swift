import Foundation
import Testing

@testable import bastion

/// `StderrLogging.bootstrap` sets the process-wide logging system once, so it is tested through the binary.
struct StderrLoggingTests {
    private func serve(logLevel: String, _ scratch: borrowing ScratchDirectory) async throws -> CommandOutput {
        let config = try scratch.write(
            """
            [server]
            log_level = "\(logLevel)"

            [[clients]]
            id = "local"
            """,
            to: "bastion.toml"
        )
        let initialize =
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","#
            + #""capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        return try await BastionBinary.run(["serve", "--config", config], input: initialize + "\n", home: scratch.path)
    }

    @Test func infoLogsReachStderrOnly() async throws {
        let scratch = try ScratchDirectory()
        let output = try await serve(logLevel: "info", scratch)
        #expect(output.status == 0)
        #expect(output.stderr.contains("Serving on stdio"))
        #expect(output.stderr.contains("Session initialized"))
        #expect(output.stdoutLines.count == 1)
        #expect(!output.stdout.contains("Serving"))
    }

    @Test func theConfiguredLevelFiltersLogs() async throws {
        let scratch = try ScratchDirectory()
        let output = try await serve(logLevel: "error", scratch)
        #expect(output.status == 0)
        #expect(!output.stderr.contains("Serving on stdio"))
        #expect(!output.stderr.contains("Session initialized"))
        #expect(output.stdoutLines.count == 1)
    }
}
