import BastionSecurity
import TOMLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension BastionConfiguration {
    /// The keys allowed at the top of a configuration file.
    static let tomlKeys = ["server", "transport", "auth", "clients", "prompts"]
    /// Configuration files larger than this are refused (they are a few KiB in practice).
    static let maximumFileBytes = 4 * 1_024 * 1_024

    /// Reads and validates a TOML configuration file.
    ///
    /// Relative paths in the file (`workdir`, `audit_log`, TLS files) are resolved against the file's
    /// directory; see ``parse(toml:source:environment:)`` for the rules.
    /// - Parameters:
    ///   - path: The file to read; errors name it as given.
    ///   - environment: The process environment (`HOME`, `XDG_STATE_HOME`).
    ///   - customPermissions: The `custom:NAME` permissions the registered modules declare; a grant
    ///     of any other custom name is refused. `nil` accepts every name.
    /// - Returns: The effective configuration.
    /// - Throws: ``ConfigurationError`` naming the file, line, column and key path of the first problem.
    public static func load(
        path: String,
        environment: [String: String],
        customPermissions: Set<String>? = nil
    ) throws(ConfigurationError)
        -> BastionConfiguration
    {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw fileError(.unreadable, path, "cannot read the configuration file: \(error)")
        }
        return try parse(tomlBytes: data, source: path, environment: environment, customPermissions: customPermissions)
            .readingSignatureKeyFiles(source: path)
    }

    /// Parses and validates the bytes of a TOML configuration file, as ``load(path:environment:customPermissions:)``
    /// does once it has read them: the size and UTF-8 checks, then ``parse(toml:source:environment:customPermissions:)``.
    ///
    /// Touches no file: the fuzz target `FuzzConfiguration` calls it with arbitrary bytes.
    /// - Parameters:
    ///   - bytes: The file's content.
    ///   - source: The file the bytes came from, used in errors and for relative paths.
    ///   - environment: The process environment (`HOME`, `XDG_STATE_HOME`).
    ///   - customPermissions: The `custom:NAME` permissions the registered modules declare; `nil`
    ///     accepts every name.
    /// - Returns: The effective configuration.
    /// - Throws: ``ConfigurationError`` naming the file, line, column and key path of the first problem.
    package static func parse(
        tomlBytes bytes: some Collection<UInt8>,
        source: String,
        environment: [String: String],
        customPermissions: Set<String>? = nil
    ) throws(ConfigurationError) -> BastionConfiguration {
        guard bytes.count <= maximumFileBytes else {
            throw fileError(.unreadable, source, "the configuration file is larger than \(maximumFileBytes) bytes")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw fileError(.syntax, source, "the configuration file is not valid UTF-8")
        }
        return try parse(toml: text, source: source, environment: environment, customPermissions: customPermissions)
    }

    private static func fileError(
        _ code: ConfigurationError.Code,
        _ file: String,
        _ message: String
    ) -> ConfigurationError {
        ConfigurationError(code: code, file: file, line: nil, column: nil, keyPath: "", message: message)
    }

    /// Parses and validates a TOML configuration.
    ///
    /// - Unknown keys, values of the wrong type, unknown permission types, out-of-range limits,
    ///   duplicate client ids or prompt names, a file without `[[clients]]`, and a non-loopback HTTP
    ///   listener without TLS are errors.
    /// - Paths: a leading `~`, `$HOME` or `$XDG_STATE_HOME` is expanded; relative paths resolve against
    ///   the directory of `source`. A `~` that starts a permission or deny glob is expanded.
    /// - Omitted values: `audit_log` is `$XDG_STATE_HOME/bastion/audit.jsonl`, a client's `workdir` is
    ///   `$XDG_STATE_HOME/bastion/clients/<id>`, and a client's `permissions` are empty.
    /// - Parameters:
    ///   - toml: The document.
    ///   - source: The file the document came from, used in errors and for relative paths.
    ///   - environment: The process environment (`HOME`, `XDG_STATE_HOME`).
    ///   - customPermissions: The `custom:NAME` permissions the registered modules declare; `nil`
    ///     accepts every name.
    /// - Returns: The effective configuration.
    /// - Throws: ``ConfigurationError`` naming the file, line, column and key path of the first problem.
    public static func parse(
        toml: String,
        source: String,
        environment: [String: String],
        customPermissions: Set<String>? = nil
    ) throws(ConfigurationError)
        -> BastionConfiguration
    {
        var (table, context) = try parseDocument(toml, source: source, environment: environment)
        context.customPermissions = customPermissions
        let root = TOMLTableReader(table: table, path: .root, context: context)
        try root.checkKeys(tomlKeys)
        let server = try ServerConfiguration.decode(root.table("server"), context: context)
        var configuration = BastionConfiguration(server: server)
        if let transport = try root.table("transport") {
            try transport.checkKeys(["http", "dbus"])
            if let http = try transport.table("http") {
                configuration.http = try HTTPTransportConfiguration.decode(http)
            }
            if let dbus = try transport.table("dbus") {
                configuration.dbus = try DBusTransportConfiguration.decode(dbus)
            }
        }
        if let auth = try root.table("auth") {
            try auth.checkKeys(["jwt"])
            if let jwt = try auth.table("jwt") { configuration.jwt = try JWTConfiguration.decode(jwt) }
        }
        if let jwt = configuration.jwt, jwt.audience == nil, configuration.http?.publicURL == nil {
            throw context.error(
                .missingKey,
                at: ConfigKeyPath.root.appending("auth").appending("jwt").appending("audience"),
                "[auth.jwt] needs an audience: set audience, or [transport.http] public_url (this server's URL)"
            )
        }
        configuration.clients = try decodeClients(root)
        try checkSeparation(configuration, context: context)
        configuration.prompts = try decodePrompts(root)
        return configuration
    }

    /// Refuses NUL characters, parses with TOMLKit and maps the positions of the source.
    private static func parseDocument(
        _ toml: String,
        source: String,
        environment: [String: String]
    )
        throws(ConfigurationError) -> (TOMLTable, ConfigurationDecodingContext)
    {
        func failure(_ position: TOMLSourceMap.Position?, _ keyPath: String, _ message: String) -> ConfigurationError {
            ConfigurationError(
                code: .syntax,
                file: source,
                line: position?.line,
                column: position?.column,
                keyPath: keyPath,
                message: message
            )
        }
        // TOMLKit passes the document to C as a NUL-terminated string: a NUL would silently end it early.
        if let position = TOMLSourceMap.firstRawNUL(in: toml) {
            throw failure(position, "", "the configuration contains a NUL character")
        }
        let sourceMap = TOMLSourceMap(source: toml)
        if let hazard = sourceMap.firstParserHazard {
            // TOMLKit would abort there. With that character neutralized it reports any earlier
            // error; otherwise the hazard is the error, even if the neutralized text happens to parse.
            do {
                _ = try parseTOML(hazard.neutralized(toml), failure)
            } catch {
                if let line = error.line, let column = error.column,
                    (line, column) < (hazard.position.line, hazard.position.column)
                {
                    throw error
                }
            }
            throw failure(hazard.position, "", "invalid TOML: \(hazard.message)")
        }
        let table = try parseTOML(toml, failure)
        if let nul = sourceMap.firstNUL {
            throw failure(nul.position, nul.path.description, "strings must not contain NUL (\\u0000)")
        }
        let parent = PathBytes.splitLast(source)?.parent ?? ""
        let directory = parent.isEmpty ? "." : parent
        let paths = ConfigurationPaths(environment: environment, baseDirectory: directory)
        return (table, ConfigurationDecodingContext(file: source, sourceMap: sourceMap, paths: paths))
    }

    /// Parses with TOMLKit, turning its error into a located ``ConfigurationError``.
    private static func parseTOML(
        _ toml: String,
        _ failure: (TOMLSourceMap.Position?, String, String) -> ConfigurationError
    ) throws(ConfigurationError) -> TOMLTable {
        do {
            return try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            throw failure(.init(line: begin.line, column: begin.column), "", "invalid TOML: \(error.description)")
        } catch {
            throw failure(nil, "", "invalid TOML: \(error)")
        }
    }

    private static func decodeClients(_ root: TOMLTableReader) throws(ConfigurationError) -> [ClientConfiguration] {
        let context = root.context
        guard let readers = try root.tableArray("clients"), !readers.isEmpty else {
            throw context.error(
                .missingKey,
                at: ConfigKeyPath.root.appending("clients"),
                "a configuration file needs at least one [[clients]] table"
            )
        }
        var clients: [ClientConfiguration] = []
        var seen = UniqueValues(context: context)
        for reader in readers {
            let client = try ClientConfiguration.decode(reader)
            let auth = reader.path.appending("auth")
            try seen.insert(client.id, as: "client id", at: reader.path.appending("id"))
            if let subject = client.auth.jwtSubject {
                try seen.insert(subject, as: "auth.jwt_subject", at: auth.appending("jwt_subject"))
            }
            if let subject = client.auth.mtlsSubject {
                try seen.insert(subject, as: "auth.mtls_subject", at: auth.appending("mtls_subject"))
            }
            if let uid = client.auth.dbusUID {
                try seen.insert(String(uid), as: "auth.dbus_uid", at: auth.appending("dbus_uid"))
            }
            clients.append(client)
        }
        return clients
    }

    /// Refuses settings that are each valid but contradict the isolation promise: two clients whose
    /// workdirs are the same or nested (workdirs are never shared), and an audit log inside a
    /// client's workdir (a client could then delete or replace it). "Nested" is decided on bytes
    /// (``PathBytes/isWithin(_:_:)``), as the kernel sees paths: `/w/\u{301}x` is inside `/w`.
    private static func checkSeparation(
        _ configuration: BastionConfiguration,
        context: ConfigurationDecodingContext
    ) throws(ConfigurationError) {
        func contains(_ directory: String, _ path: String) -> Bool {
            PathBytes.isWithin(path, directory)
        }
        let clients = configuration.clients
        for (index, client) in clients.enumerated() {
            let workdir = ConfigKeyPath.root.appending("clients").appending(index: index).appending("workdir")
            for (otherIndex, other) in clients.enumerated().prefix(index)
            where contains(client.workdir, other.workdir) || contains(other.workdir, client.workdir) {
                let otherPath = ConfigKeyPath.root.appending("clients").appending(index: otherIndex).appending(
                    "workdir"
                )
                throw context.error(
                    .unsafe,
                    at: workdir,
                    "the workdir \(TOMLString.quoted(client.workdir)) of client \(TOMLString.quoted(client.id)) "
                        + "overlaps the workdir \(TOMLString.quoted(other.workdir)) of client "
                        + "\(TOMLString.quoted(other.id)) (\(context.location(of: otherPath))); "
                        + "each client needs a private workdir"
                )
            }
            if contains(client.workdir, configuration.server.auditLog) {
                throw context.error(
                    .unsafe,
                    at: ConfigKeyPath.root.appending("server").appending("audit_log"),
                    "the audit log \(TOMLString.quoted(configuration.server.auditLog)) is inside the workdir of "
                        + "client \(TOMLString.quoted(client.id)), which could then delete or replace it"
                )
            }
        }
    }

    private static func decodePrompts(_ root: TOMLTableReader) throws(ConfigurationError) -> [PromptDefinition] {
        var prompts: [PromptDefinition] = []
        var seen = UniqueValues(context: root.context)
        for reader in try root.tableArray("prompts") ?? [] {
            let prompt = try PromptDefinition.decode(reader)
            try seen.insert(prompt.name, as: "prompt name", at: reader.path.appending("name"))
            prompts.append(prompt)
        }
        return prompts
    }
}

/// Remembers where each value was first seen and refuses a second occurrence of the same kind.
///
/// Two clients sharing an authentication subject would make the peer-to-client mapping ambiguous.
private struct UniqueValues {
    let context: ConfigurationDecodingContext
    var firstSeen: [String: [String: ConfigKeyPath]] = [:]

    mutating func insert(_ value: String, as kind: String, at path: ConfigKeyPath) throws(ConfigurationError) {
        if let first = firstSeen[kind]?[value] {
            throw context.error(
                .duplicate,
                at: path,
                "duplicate \(kind) \(TOMLString.quoted(value)) (first used at \(context.location(of: first)))"
            )
        }
        firstSeen[kind, default: [:]][value] = path
    }
}
