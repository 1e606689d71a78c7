import ArgumentParser
import Bastion
import BastionResources
import BastionSystem
import CBastionLinux
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `bastion serve`: serves one client over stdio, or MCP over HTTP (`--http`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve MCP over stdin/stdout for one client, or over HTTP (--http).",
        discussion: """
            Each DIR is granted to the client for reading and writing, like the arguments of the reference \
            filesystem server. Logs go to stderr; stdout carries only MCP messages.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Configuration file (TOML).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The configured client this process serves.", valueName: "id"))
    var client: String = "local"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve MCP over HTTP instead of stdio, on HOST:PORT (default: [transport.http] listen, else 127.0.0.1:8765; port 0 picks a free one).",
            valueName: "host:port"
        )
    )
    var http: String?

    @Flag(name: .long, help: "Enable the diagnostics module (echo, sleep, whoami, list_workdir).")
    var diagnostics = false

    @Argument(help: ArgumentHelp("Directories the client may read and write.", valueName: "dir"))
    var directories: [String] = []

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        // Keys, tokens and every client's data live in this process: no other process of the same
        // user (a non-root server's children see the host's /proc) may read its memory or
        // environment, and it dumps no core. Children are dumpable again after their execve.
        guard cbastion_set_undumpable() == 0 else {
            throw CommandFailure("cannot make the server undumpable (prctl): \(String(cString: strerror(errno)))")
        }
        let environment = ProcessEnvironment.current()
        let directories = try self.directories.map(Self.canonicalDirectory)
        // What `bastion serve` is: the file (or the embedded default) plus the command-line
        // overrides. SIGHUP runs it again, so a reload keeps --diagnostics and the DIR grants.
        let load: @Sendable () throws(ConfigurationError) -> BastionConfiguration = {
            [config, client, diagnostics, http] () throws(ConfigurationError) -> BastionConfiguration in
            var configuration = BastionConfiguration.embeddedDefault(environment: environment)
            if let config {
                configuration = try BastionConfiguration.load(
                    path: config,
                    environment: environment,
                    customPermissions: BastionServer.builtInCustomPermissions
                )
            }
            if diagnostics { configuration.server.diagnostics = true }
            if let http, http != Self.configuredAddress {
                var transport = configuration.http ?? HTTPTransportConfiguration()
                transport.listen = http
                configuration.http = transport
            }
            if !directories.isEmpty { configuration.grantDirectories(directories, toClient: client) }
            return configuration
        }
        let configuration: BastionConfiguration
        do {
            configuration = try load()
        } catch {
            throw CommandFailure("\(error)")
        }
        // Fail closed: a root server never runs a client's children as root by omission.
        if let problem = configuration.runAsProblem(serverUID: geteuid()) { throw CommandFailure(problem) }
        let logger = StderrLogging.bootstrap(level: configuration.server.logLevel)
        for line in configuration.warnings { logger.warning("\(line)") }
        if http == nil, isatty(STDIN_FILENO) != 0 { Self.writeToStandardError(Self.terminalGuide) }
        var server = BastionServer(configuration: configuration)
        // A cgroup per run when a hierarchy is writable; the summary says whether one is in use.
        let cgroups = CgroupManager.start()
        defer { cgroups?.shutdown() }
        server.cgroups = cgroups
        server.kernelSandbox = SandboxCheckCommand.announce(
            configuration: configuration,
            logger: logger,
            cgroups: cgroups
        )
        if let config {
            server.configurationFile = config
            server.reloadConfiguration = load
        }
        if http != nil, let jwt = configuration.jwt {
            server.tokenVerifier = try await TokenKeys.verifier(jwt, publicURL: configuration.http?.publicURL)
        }
        do {
            if http != nil {
                try await server.serveHTTP(clientID: client, logger: logger) { url in
                    Self.writeToStandardError("bastion: listening on \(url)\n")
                }
            } else {
                try await server.serveStdio(clientID: client, logger: logger)
            }
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// What `--http` without an address stands for: `[transport.http] listen`, else its default.
    static let configuredAddress = "configured"

    /// `--http` takes an optional value: `serve --http` alone (or followed by another option or a
    /// directory) becomes `--http=configured`; `--http HOST:PORT` becomes `--http=HOST:PORT`.
    static func normalizingHTTPFlag(_ arguments: [String]) -> [String] {
        guard arguments.first == "serve" else { return arguments }
        var result: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result += arguments[(index - 1)...]
                break
            }
            guard argument == "--http" else {
                result.append(argument)
                continue
            }
            if index < arguments.endIndex, isAddress(arguments[index]) {
                result.append("--http=\(arguments[index])")
                index += 1
            } else {
                result.append("--http=\(configuredAddress)")
            }
        }
        return result
    }

    /// Whether `text` reads as HOST:PORT rather than a directory or an option.
    static func isAddress(_ text: String) -> Bool {
        !text.hasPrefix("-") && !text.hasPrefix("/") && !text.hasPrefix(".") && !text.hasPrefix("~")
            && text.contains(":") && !text.contains("/")
    }

    /// A directory argument as a canonical absolute path; it must exist.
    static func canonicalDirectory(_ path: String) throws -> String {
        guard let resolved = realpath(path, nil) else {
            throw CommandFailure("directory \(path) does not exist or cannot be resolved")
        }
        defer { free(resolved) }
        let canonical = String(cString: resolved)
        var info = stat()
        guard stat(canonical, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw CommandFailure("\(path) is not a directory")
        }
        return canonical
    }

    /// Writes text straight to file descriptor 2 (stdout belongs to the MCP stream).
    static func writeToStandardError(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { FileDescriptorIO.writeAll(STDERR_FILENO, $0) }
    }

    static let terminalGuide = """
        Bastion \(BastionServer.version) — a secure MCP server, now waiting for MCP messages on stdin.

        It is meant to be started by an MCP client (Claude Desktop, an IDE, the Python `mcp` client), not
        typed at. To connect a desktop client, add this to its MCP configuration (e.g. claude_desktop_config.json):

            "mcpServers": { "bastion": { "command": "bastion", "args": ["serve"] } }

        Try it by hand: paste one JSON-RPC message per line, e.g.
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"me","version":"1"}}}
        Press Ctrl-D to stop. `bastion --help` lists every option.

        """
}
