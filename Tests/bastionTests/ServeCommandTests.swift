import Foundation
import Testing

@testable import bastion

struct ServeCommandTests {
    static let initialize =
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"#
        + #""clientInfo":{"name":"cli-test","version":"1"}}}"#
    static let initialized = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
    static let echo =
        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","#
        + #""params":{"name":"echo","arguments":{"text":"hello from the test"}}}"#

    private func parse(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    @Test func anUnknownClientFailsNamingIt() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["serve", "--client", "nobody"], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("\"nobody\""))
        #expect(output.stderr.contains("local"))
        #expect(output.stdout.isEmpty)
    }

    @Test func diagnosticsServeAPipedSessionOnStdout() async throws {
        let scratch = try ScratchDirectory()
        let input = [Self.initialize, Self.initialized, Self.echo].joined(separator: "\n") + "\n"
        let output = try await BastionBinary.run(["serve", "--diagnostics"], input: input, home: scratch.path)
        #expect(!output.timedOut)
        #expect(output.status == 0)
        let messages = output.stdoutLines.map(parse)
        #expect(messages.allSatisfy { $0?["jsonrpc"] as? String == "2.0" }, "stdout: \(output.stdout)")
        let responses = Dictionary(
            messages.compactMap { $0 }.compactMap { message in (message["id"] as? Int).map { ($0, message) } },
            uniquingKeysWith: { first, _ in first }
        )
        let initialize = try #require(responses[1]?["result"] as? [String: Any])
        #expect(initialize["protocolVersion"] as? String == "2025-11-25")
        #expect((initialize["serverInfo"] as? [String: Any])?["version"] as? String == "0.1.0")
        let call = try #require(responses[2]?["result"] as? [String: Any])
        let content = try #require(call["content"] as? [[String: Any]])
        #expect(content.first?["text"] as? String == "hello from the test")
        #expect(call["isError"] == nil)
    }

    @Test func logsGoToStderrAndTheAuditLogToTheStateDirectory() async throws {
        let scratch = try ScratchDirectory()
        let input = [Self.initialize, Self.echo].joined(separator: "\n") + "\n"
        let output = try await BastionBinary.run(["serve", "--diagnostics"], input: input, home: scratch.path)
        #expect(output.status == 0)
        #expect(output.stderr.contains("Serving on stdio"))
        #expect(!output.stdout.contains("Serving on stdio"))
        let audit = scratch.file("state/bastion/audit.jsonl")
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains(#""tool":"echo""#) })
        let attributes = try FileManager.default.attributesOfItem(atPath: audit)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        var isDirectory: ObjCBool = false
        #expect(
            FileManager.default.fileExists(
                atPath: scratch.file("state/bastion/clients/local"),
                isDirectory: &isDirectory
            )
        )
        #expect(isDirectory.boolValue)
    }

    @Test func emptyInputEndsCleanly() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["serve"], input: "", home: scratch.path)
        #expect(!output.timedOut)
        #expect(output.status == 0)
        #expect(output.stdout.isEmpty)
    }

    @Test func withoutDiagnosticsEchoIsUnknown() async throws {
        let scratch = try ScratchDirectory()
        let input = [Self.initialize, Self.echo].joined(separator: "\n") + "\n"
        let output = try await BastionBinary.run(["serve"], input: input, home: scratch.path)
        #expect(output.status == 0)
        let response = output.stdoutLines.compactMap(parse).first { $0["id"] as? Int == 2 }
        let error = try #require(response?["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32602)
    }

    @Test func aMissingDirectoryFailsClearly() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["serve", "/nonexistent/bastion-dir"], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("/nonexistent/bastion-dir"))
        #expect(output.stderr.contains("does not exist"))
        #expect(output.stdout.isEmpty)
    }

    @Test func aFileIsNotADirectory() async throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("x", to: "plain.txt")
        let output = try await BastionBinary.run(["serve", file], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("is not a directory"))
    }

    @Test func grantedDirectoriesAppearInThePermissions() async throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("project"), withIntermediateDirectories: false)
        let whoami = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami"}}"#
        let output = try await BastionBinary.run(
            ["serve", "--diagnostics", scratch.file("project")],
            input: Self.initialize + "\n" + whoami + "\n",
            home: scratch.path
        )
        #expect(output.status == 0)
        let response = try #require(output.stdoutLines.compactMap(parse).first { $0["id"] as? Int == 2 })
        let structured = try #require((response["result"] as? [String: Any])?["structuredContent"] as? [String: Any])
        let permissions = try #require(structured["permissions"] as? [String])
        let canonical = try #require(
            realpath(scratch.file("project"), nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            }
        )
        #expect(permissions.contains("file_read:\(canonical)/**"))
        #expect(permissions.contains("file_write:\(canonical)/**"))
    }

    @Test func aMissingConfigFileFailsNamingIt() async throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.file("nope.toml")
        let output = try await BastionBinary.run(["serve", "--config", missing], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains(missing))
    }

    @Test func theCanonicalDirectoryResolvesLinksAndRefusesFiles() throws {
        let scratch = try ScratchDirectory()
        let real = scratch.file("real")
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: real)
        let resolved = try ServeCommand.canonicalDirectory(scratch.file("link"))
        #expect(resolved.hasSuffix("/real"))
        #expect(!resolved.contains("/link"))
        let file = try scratch.write("x", to: "f")
        #expect(throws: CommandFailure.self) { try ServeCommand.canonicalDirectory(file) }
        #expect(throws: CommandFailure.self) { try ServeCommand.canonicalDirectory(scratch.file("missing")) }
    }

    @Test func theTerminalGuideShowsHowToConnect() {
        #expect(
            ServeCommand.terminalGuide.contains("bastion serve") || ServeCommand.terminalGuide.contains("\"serve\"")
        )
        #expect(ServeCommand.terminalGuide.contains(#""method":"initialize""#))
        #expect(ServeCommand.terminalGuide.contains("0.1.0"))
    }

    @Test(arguments: [
        (["serve", "--http"], ["serve", "--http=configured"]),
        (["serve", "--http", "127.0.0.1:0"], ["serve", "--http=127.0.0.1:0"]),
        (["serve", "--http", "[::1]:9"], ["serve", "--http=[::1]:9"]),
        (["serve", "--http", "--diagnostics"], ["serve", "--http=configured", "--diagnostics"]),
        (["serve", "--http", "/srv/data"], ["serve", "--http=configured", "/srv/data"]),
        (["serve", "--http=localhost:1"], ["serve", "--http=localhost:1"]),
        (["serve", "--", "--http"], ["serve", "--", "--http"]),
        (["audit", "--http"], ["audit", "--http"]),
    ])
    func theHTTPFlagTakesAnOptionalAddress(arguments: [String], normalized: [String]) {
        #expect(ServeCommand.normalizingHTTPFlag(arguments) == normalized)
    }

    @Test func serveHTTPOnAPortZeroAnnouncesItsURL() throws {
        let scratch = try ScratchDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(BastionBinary.path))
        process.arguments = ["serve", "--http", "127.0.0.1:0"]
        process.environment = BastionBinary.environment(home: scratch.path)
        process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        let errors = Pipe()
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var seen = ""
        while !seen.contains("/mcp\n") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(seen.split(separator: "\n").first { $0.hasPrefix("bastion: listening on ") })
        #expect(line.hasPrefix("bastion: listening on http://127.0.0.1:"))
        #expect(line.hasSuffix("/mcp"))
        #expect(!line.hasSuffix(":0/mcp"))
    }
}
