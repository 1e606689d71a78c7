import BastionSecurity
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// Opens paths beneath a directory descriptor so that the kernel, not string checks, keeps them
/// inside: no `..` above the directory, no symbolic link anywhere in the path, no `/proc` magic link.
///
/// With `openat2(2)` (Linux 5.6+) the resolution flags `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
/// RESOLVE_NO_MAGICLINKS` do it in one call. Elsewhere each component is opened in turn with
/// `O_NOFOLLOW` (``Method-swift.enum/componentWalk``). Paths given here are canonical (the permission
/// layer resolved every symlink before checking), so a symlink met now means the tree changed
/// between the check and the use, and the open is refused.
public struct ConfinedOpener: Sendable {
    /// How paths are resolved.
    public enum Method: String, Sendable, Hashable {
        /// One `openat2` call with resolution flags.
        case openat2
        /// One `openat(O_NOFOLLOW)` per component.
        case componentWalk = "component-walk"
    }

    /// The method in use.
    public let method: Method

    /// The best method this kernel offers.
    public static let detected: Method = {
        let probe = cbastion_openat2(
            AT_FDCWD,
            "/",
            UInt64(CBASTION_O_PATH | O_CLOEXEC),
            0,
            CBASTION_RESOLVE_NO_SYMLINKS
        )
        guard probe >= 0 else { return .componentWalk }
        close(probe)
        return .openat2
    }()

    /// Creates an opener; the default uses the best method the kernel offers.
    public init(method: Method = ConfinedOpener.detected) {
        self.method = method
    }

    /// Opens a canonical absolute directory as an `CBASTION_O_PATH` descriptor, refusing symlinks on the way.
    /// - Parameter path: An absolute path without `.`, `..` or symlinks.
    /// - Returns: The directory's descriptor.
    public func openDirectory(_ path: String) throws(FileSystemError) -> Descriptor {
        let root = Glibc.open("/", CBASTION_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { throw .system(errno, operation: "open", path: "/") }
        let slash = Descriptor(root)
        return try open(
            PathBytes.segments(path).joined(separator: "/"),
            beneath: slash,
            flags: CBASTION_O_PATH | O_DIRECTORY,
            displayPath: path
        )
    }

    /// Opens `relative` beneath `directory`.
    /// - Parameters:
    ///   - relative: A relative path without `.`, `..` or empty components; empty means the directory itself.
    ///   - directory: The directory to stay beneath.
    ///   - flags: `open(2)` flags; `O_NOFOLLOW` and `O_CLOEXEC` are always added.
    ///   - mode: The mode of a created file.
    ///   - displayPath: The path named in errors.
    /// - Returns: The open descriptor.
    /// - Throws: ``FileSystemError`` (`confinement` for a symlink or an escape).
    public func open(
        _ relative: String,
        beneath directory: Descriptor,
        flags: Int32,
        mode: UInt32 = 0,
        displayPath: String
    ) throws(FileSystemError) -> Descriptor {
        // Split on bytes: the kernel sees every `/` byte, whatever Characters surround it.
        let components = PathBytes.segments(relative).map { Substring($0) }
        for component in components where PathBytes.isDotSegment(component.utf8) {
            throw FileSystemError(
                .confinement,
                "Refused \"\(FileSystemError.shown(displayPath))\": \".\" and \"..\" are not allowed here"
            )
        }
        let target = components.isEmpty ? "." : components.joined(separator: "/")
        switch method {
        case .openat2:
            let resolve = CBASTION_RESOLVE_BENEATH | CBASTION_RESOLVE_NO_SYMLINKS | CBASTION_RESOLVE_NO_MAGICLINKS
            let result = cbastion_openat2(
                directory.raw,
                target,
                UInt64(UInt32(bitPattern: flags | O_NOFOLLOW | O_CLOEXEC)),
                UInt64(mode),
                resolve
            )
            guard result >= 0 else {
                throw .system(Self.explain(errno, components, from: directory), operation: "open", path: displayPath)
            }
            return try Self.refusingLink(Descriptor(result), flags: flags, displayPath: displayPath)
        case .componentWalk:
            return try walk(components, from: directory, flags: flags, mode: mode, displayPath: displayPath)
        }
    }

    /// Opens one entry of a directory by its raw name (never a path: no `/`, not `.` or `..`, as
    /// `readdir` gives them), without following a link.
    public func open(
        _ entry: DirectoryReader.Entry,
        in directory: Descriptor,
        flags: Int32,
        displayPath: String
    ) throws(FileSystemError) -> Descriptor {
        let result = openat(directory.raw, entry.rawName, flags | O_NOFOLLOW | O_CLOEXEC)
        guard result >= 0 else {
            let code = errno == ENOTDIR && entry.kind == .symlink ? ELOOP : errno
            throw .system(code, operation: "open", path: displayPath)
        }
        return try Self.refusingLink(Descriptor(result), flags: flags, displayPath: displayPath)
    }

    /// `O_PATH | O_NOFOLLOW` opens a final symlink itself (both methods): refuse it here.
    private static func refusingLink(
        _ opened: Descriptor,
        flags: Int32,
        displayPath: String
    ) throws(FileSystemError) -> Descriptor {
        if flags & CBASTION_O_PATH != 0, try opened.status().st_mode & S_IFMT == S_IFLNK {
            throw .system(ELOOP, operation: "open", path: displayPath)
        }
        return opened
    }

    /// ENOTDIR for a symlink where a directory was expected is really "a symlink in the path".
    private static func explain(_ code: Int32, _ components: [Substring], from directory: Descriptor) -> Int32 {
        guard code == ENOTDIR else { return code }
        var prefix = ""
        for component in components {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            var info = stat()
            guard fstatat(directory.raw, prefix, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return code }
            if info.st_mode & S_IFMT == S_IFLNK { return ELOOP }
        }
        return code
    }

    private func walk(
        _ components: [Substring],
        from directory: Descriptor,
        flags: Int32,
        mode: UInt32,
        displayPath: String
    ) throws(FileSystemError) -> Descriptor {
        guard let last = components.last else {
            let result = openat(directory.raw, ".", flags | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
            guard result >= 0 else { throw .system(errno, operation: "open", path: displayPath) }
            return Descriptor(result)
        }
        var current = Descriptor(dup(directory.raw))
        guard current.raw >= 0 else { throw .system(errno, operation: "open", path: displayPath) }
        for component in components.dropLast() {
            // O_DIRECTORY with O_NOFOLLOW fails on a symlink (ENOTDIR or ELOOP): never followed.
            let next = openat(current.raw, String(component), CBASTION_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else {
                throw .system(Self.explain(errno, [component], from: current), operation: "open", path: displayPath)
            }
            current = Descriptor(next)
        }
        let result = openat(current.raw, String(last), flags | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard result >= 0 else {
            throw .system(Self.explain(errno, [last], from: current), operation: "open", path: displayPath)
        }
        return try Self.refusingLink(Descriptor(result), flags: flags, displayPath: displayPath)
    }
}
