import BastionSecurity

/// What every reader of one configuration document shares: the file name, positions and path rules.
struct ConfigurationDecodingContext: Sendable {
    /// The file name shown in errors.
    let file: String
    /// Where each key path starts in the source text.
    let sourceMap: TOMLSourceMap
    /// How paths in values are expanded and resolved.
    let paths: ConfigurationPaths
    /// The `custom:NAME` permissions the registered modules declare; `nil` accepts any name (the
    /// modules are not known, as in `check-config` without them).
    var customPermissions: Set<String>? = nil

    /// An error located at `path` (or at its nearest ancestor that appears in the source).
    func error(_ code: ConfigurationError.Code, at path: ConfigKeyPath, _ message: String) -> ConfigurationError {
        let position = sourceMap.position(of: path)
        return ConfigurationError(
            code: code,
            file: file,
            line: position?.line,
            column: position?.column,
            keyPath: path.description,
            message: message
        )
    }

    /// `line N` when `path` appears in the source, else the key path itself (for "first defined at …").
    func location(of path: ConfigKeyPath) -> String {
        guard let line = sourceMap.position(of: path)?.line else { return path.description }
        return "line \(line)"
    }

    /// Checks the sanity rules shared by globs: non-empty, no NUL, no line break.
    func checkGlob(_ glob: String, at path: ConfigKeyPath) throws(ConfigurationError) {
        if glob.isEmpty { throw error(.invalidValue, at: path, "a glob must not be empty") }
        if glob.unicodeScalars.contains(where: { $0 == "\0" || $0 == "\n" || $0 == "\r" }) {
            throw error(.invalidValue, at: path, "a glob must not contain a NUL or line-break character")
        }
    }

    /// Checks that a glob compiles as the permission checker will compile it (relative globs start
    /// at `base`; `**/…` globs match anywhere).
    func compileGlob(_ glob: String, relativeTo base: String, at path: ConfigKeyPath) throws(ConfigurationError) {
        try checkGlob(glob, at: path)
        do {
            _ = try PathBytes.hasPrefix(glob, "**") ? GlobPattern(glob) : GlobPattern(glob, relativeTo: base)
        } catch {
            throw self.error(.invalidValue, at: path, error.message)
        }
    }

    /// Checks that a path value is usable, then resolves it (see ``ConfigurationPaths/resolve(_:)``).
    func resolvePath(_ value: String, at path: ConfigKeyPath) throws(ConfigurationError) -> String {
        if value.isEmpty { throw error(.invalidValue, at: path, "a path must not be empty") }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw error(.invalidValue, at: path, "a path must not contain control characters")
        }
        return paths.resolve(value)
    }
}
