#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a client-supplied path into the canonical absolute path that permission globs match.
///
/// Steps, in order: refuse NUL bytes and paths longer than `PATH_MAX` (4096 bytes), expand a
/// leading `~` or `~/`, make a relative path absolute against the client's workdir, resolve `.`
/// and `..` lexically, then resolve symlinks with `realpath(3)` on the longest existing prefix so
/// that a file that does not exist yet under a symlinked directory still gets its real location.
/// A dangling symlink is followed to its target (at most 40 hops), so a write through it is
/// checked against where it would land.
///
/// The result is only as good as the moment it was computed: the file-system layer must still
/// open the canonical path relative to a directory descriptor and refuse symlinks at the system
/// call (ARCHITECTURE §2).
public enum PathCanonicalizer {
    /// The longest path accepted, in UTF-8 bytes (Linux `PATH_MAX`).
    public static let maximumLength = 4096
    static let maximumSymlinkHops = 40

    /// Returns the canonical absolute form of a path.
    /// - Parameters:
    ///   - path: The path as the client gave it: absolute, relative, or starting with `~`.
    ///   - workdir: The absolute directory that relative paths start from.
    ///   - home: The absolute directory that `~` stands for.
    /// - Returns: An absolute path without `.`, `..`, empty segments or symlinks in its existing part.
    /// - Throws: ``PermissionParseError`` with code `invalidArgument` for an empty path, a NUL byte,
    ///   a path over ``maximumLength``, a non-absolute workdir or home, or a symlink loop.
    public static func canonical(
        _ path: String,
        relativeTo workdir: String,
        home: String
    )
        throws(PermissionParseError) -> String
    {
        guard !path.isEmpty else { throw error(path, "the path is empty") }
        guard path.utf8.count <= maximumLength else {
            throw error(String(path.prefix(64)) + "…", "the path is longer than \(maximumLength) bytes")
        }
        guard !path.utf8.contains(0) else { throw error(path, "the path contains a NUL byte") }
        // Bytes, not Characters: a combining mark after `/` must not hide the separator.
        var absolute = path
        let bytes = Array(path.utf8)
        if bytes == [UInt8(ascii: "~")] || bytes.starts(with: [UInt8(ascii: "~"), PathBytes.slash]) {
            guard home.utf8.first == PathBytes.slash else { throw error(path, "the home directory is not absolute") }
            absolute = home + "/" + String(decoding: bytes.dropFirst(), as: UTF8.self)
        } else if bytes.first != PathBytes.slash {
            guard workdir.utf8.first == PathBytes.slash else {
                throw error(path, "the working directory is not absolute")
            }
            absolute = workdir + "/" + path
        }
        var components = lexicalComponents(absolute)
        var hops = 0
        while true {
            let (resolved, consumed) = resolveExistingPrefix(components)
            let rest = components[consumed...]
            guard let next = rest.first, let target = danglingSymlinkTarget(resolved, next) else {
                let joined = join(resolved, rest)
                guard joined.utf8.count <= maximumLength else {
                    throw error(path, "the resolved path is longer than \(maximumLength) bytes")
                }
                return joined
            }
            hops += 1
            guard hops <= maximumSymlinkHops else { throw error(path, "too many levels of symbolic links") }
            let base = target.utf8.first == PathBytes.slash ? target : join(resolved, [target[...]])
            components = lexicalComponents(join(base, rest.dropFirst()))
        }
    }

    /// Splits an absolute path into segments at `/` bytes, with `.` and `..` resolved lexically.
    ///
    /// Package access for the fuzz target `FuzzPaths`, which checks it against a reference.
    /// - Parameter absolute: A path starting with `/`.
    /// - Returns: The segments, none empty, `.` or `..`; `..` at the root stays at the root.
    package static func lexicalComponents(_ absolute: String) -> [Substring] {
        // The one lexical normalisation (PathBytes.normalized), then split: no second copy of it.
        let normal = PathBytes.normalized(absolute)
        return normal.utf8.split(separator: PathBytes.slash).map { Substring($0) }
    }

    static func join<S: Sequence<Substring>>(_ base: String, _ rest: S) -> String {
        var result = base
        for part in rest {
            if result.utf8.last != PathBytes.slash { result += "/" }
            result += part
        }
        return result.isEmpty ? "/" : result
    }

    /// `realpath(3)` on the longest prefix that resolves; returns it and how many components it covers.
    static func resolveExistingPrefix(_ components: [Substring]) -> (String, Int) {
        var count = components.count
        while count > 0 {
            if let resolved = realPath(join("/", components[..<count])) { return (resolved, count) }
            count -= 1
        }
        return ("/", 0)
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// The target of `directory/name` when it is a symlink (which `realpath` could not follow).
    static func danglingSymlinkTarget(_ directory: String, _ name: Substring) -> String? {
        let path = join(directory, [name])
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: maximumLength + 1)
        let length = readlink(path, &buffer, maximumLength)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func error(_ path: String, _ reason: String) -> PermissionParseError {
        PermissionParseError(
            code: .invalidArgument,
            spelling: path,
            message: "invalid path \"\(PermissionParseError.escaped(path))\": \(reason)"
        )
    }
}
