/// A right granted to a client, as written in the configuration (`file_read:~/projects/**`).
///
/// A permission is only a grant; the permission checker decides what a glob or pattern matches.
/// ``description`` gives back the configuration spelling, and ``init(parsing:)`` reads it, so
/// `Permission(parsing: p.description) == p` for every valid permission.
public enum Permission: Sendable, Hashable, CustomStringConvertible {
    /// `file_read[:GLOB]`: read files and directories matching the glob (`nil`: the client's workdir).
    case fileRead(glob: String?)
    /// `file_write[:GLOB]`: write inside the client's scope where the glob matches (`nil`: the whole scope).
    case fileWrite(glob: String?)
    /// `file_write_global:GLOB`: write outside the client's scope, only where the glob matches.
    case fileWriteGlobal(glob: String)
    /// `code_execution[:unrestricted]`: run code in the client's sandbox; restricted means no network
    /// and writes only in the workdir.
    case codeExecution(unrestricted: Bool)
    /// `code_execution_sudo`: run with elevated privileges.
    case codeExecutionSudo
    /// `system_command:PATTERN`: run executables whose name or absolute path matches the pattern.
    case systemCommand(pattern: String)
    /// `custom:NAME`: a permission declared by an external module; NAME matches `[A-Za-z0-9_.-]+`.
    case custom(name: String)

    /// The permission's type without its argument.
    public var kind: PermissionKind {
        switch self {
        case .fileRead: return .fileRead
        case .fileWrite: return .fileWrite
        case .fileWriteGlobal: return .fileWriteGlobal
        case .codeExecution: return .codeExecution
        case .codeExecutionSudo: return .codeExecutionSudo
        case .systemCommand: return .systemCommand
        case .custom(let name): return .custom(name)
        }
    }

    /// The configuration spelling, which ``init(parsing:)`` reads back.
    public var description: String {
        switch self {
        case .fileRead(let glob): return Self.spell("file_read", glob)
        case .fileWrite(let glob): return Self.spell("file_write", glob)
        case .fileWriteGlobal(let glob): return Self.spell("file_write_global", glob)
        case .codeExecution(let unrestricted): return unrestricted ? "code_execution:unrestricted" : "code_execution"
        case .codeExecutionSudo: return "code_execution_sudo"
        case .systemCommand(let pattern): return Self.spell("system_command", pattern)
        case .custom(let name): return Self.spell("custom", name)
        }
    }

    /// Parses a configuration spelling such as `file_read`, `file_write:~/notes/**` or `custom:git.push`.
    ///
    /// The type is the part before the first `:`; everything after it is the argument, so globs
    /// may themselves contain `:`. Globs and patterns must be non-empty and free of NUL and line
    /// breaks; `~` is kept as written (see ``expandingTilde(home:)``).
    /// - Parameter spelling: The spelling, exactly as written (no trimming).
    /// - Throws: ``PermissionParseError`` naming the spelling and listing the valid types.
    public init(parsing spelling: String) throws(PermissionParseError) {
        let type: Substring
        let argument: Substring?
        // Scalars, not Characters: a combining mark after the `:` belongs to the argument.
        if let colon = spelling.unicodeScalars.firstIndex(of: ":") {
            type = Substring(spelling.unicodeScalars[..<colon])
            argument = Substring(spelling.unicodeScalars[spelling.unicodeScalars.index(after: colon)...])
        } else {
            type = spelling[...]
            argument = nil
        }
        switch type {
        case "file_read":
            self = .fileRead(glob: try Self.optionalGlob(argument, spelling: spelling))
        case "file_write":
            self = .fileWrite(glob: try Self.optionalGlob(argument, spelling: spelling))
        case "file_write_global":
            self = .fileWriteGlobal(glob: try Self.requiredGlob(argument, what: "GLOB", spelling: spelling))
        case "code_execution":
            guard let argument else {
                self = .codeExecution(unrestricted: false)
                return
            }
            guard argument == "unrestricted" else {
                throw .argument(
                    .invalidArgument,
                    spelling: spelling,
                    reason: "code_execution accepts only the option \"unrestricted\""
                )
            }
            self = .codeExecution(unrestricted: true)
        case "code_execution_sudo":
            guard argument == nil else {
                throw .argument(
                    .unexpectedArgument,
                    spelling: spelling,
                    reason: "code_execution_sudo takes no argument"
                )
            }
            self = .codeExecutionSudo
        case "system_command":
            self = .systemCommand(pattern: try Self.requiredGlob(argument, what: "PATTERN", spelling: spelling))
        case "custom":
            self = .custom(name: try Self.customName(argument, spelling: spelling))
        default:
            throw .unknownType(String(type), spelling: spelling)
        }
    }

    /// Returns the permission with a leading `~` of a file glob replaced by `home`.
    ///
    /// Only `~` alone and `~/…` are expanded (`~user` is left as written); command patterns and
    /// custom names are never changed.
    /// - Parameter home: The absolute home directory.
    /// - Returns: The permission with its file glob expanded.
    public func expandingTilde(home: String) -> Permission {
        switch self {
        case .fileRead(let glob): return .fileRead(glob: glob.map { Self.expandingTilde($0, home: home) })
        case .fileWrite(let glob): return .fileWrite(glob: glob.map { Self.expandingTilde($0, home: home) })
        case .fileWriteGlobal(let glob): return .fileWriteGlobal(glob: Self.expandingTilde(glob, home: home))
        case .codeExecution, .codeExecutionSudo, .systemCommand, .custom: return self
        }
    }

    // MARK: - Helpers

    private static func spell(_ type: String, _ argument: String?) -> String {
        guard let argument else { return type }
        return "\(type):\(argument)"
    }

    /// Replaces `~` or a leading `~/` of a glob or path by `home`, on bytes (a combining mark after
    /// the `/` must not hide it); `~user` and a later `~` are kept.
    /// - Parameters:
    ///   - glob: The glob or path as written.
    ///   - home: The absolute home directory.
    /// - Returns: The expanded text, otherwise unchanged (never normalized: that would change a glob).
    public static func expandingTilde(_ glob: String, home: String) -> String {
        let bytes = Array(glob.utf8)
        guard bytes.first == UInt8(ascii: "~") else { return glob }
        let rest = bytes.dropFirst()
        guard rest.isEmpty || rest.first == PathBytes.slash else { return glob }
        var base = Array(home.utf8)
        while base.count > 1, base.last == PathBytes.slash { base.removeLast() }
        if rest.isEmpty { return String(decoding: base, as: UTF8.self) }
        return String(decoding: base == [PathBytes.slash] ? Array(rest) : base + rest, as: UTF8.self)
    }

    private static func optionalGlob(
        _ argument: Substring?,
        spelling: String
    ) throws(PermissionParseError)
        -> String?
    {
        guard let argument else { return nil }
        return try requiredGlob(argument, what: "GLOB", spelling: spelling)
    }

    private static func requiredGlob(
        _ argument: Substring?,
        what: String,
        spelling: String
    )
        throws(PermissionParseError) -> String
    {
        guard let argument else {
            throw .argument(.missingArgument, spelling: spelling, reason: "a \(what) is required after \":\"")
        }
        guard !argument.isEmpty else {
            throw .argument(.invalidArgument, spelling: spelling, reason: "the \(what) after \":\" is empty")
        }
        if argument.unicodeScalars.contains(where: { $0 == "\0" || $0 == "\n" || $0 == "\r" }) {
            throw .argument(
                .invalidArgument,
                spelling: spelling,
                reason: "the \(what) contains a NUL or line-break character"
            )
        }
        return String(argument)
    }

    private static func customName(_ argument: Substring?, spelling: String) throws(PermissionParseError) -> String {
        guard let argument else {
            throw .argument(.missingArgument, spelling: spelling, reason: "a NAME is required after \"custom:\"")
        }
        guard !argument.isEmpty, argument.unicodeScalars.allSatisfy(isNameCharacter) else {
            throw .argument(
                .invalidArgument,
                spelling: spelling,
                reason: "a custom NAME must match [A-Za-z0-9_.-]+"
            )
        }
        return String(argument)
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": return true
        default: return false
        }
    }
}
