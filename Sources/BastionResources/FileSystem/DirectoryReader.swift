#if canImport(Glibc)
public import Glibc
#endif

/// Reads the entries of an open directory with `readdir(3)`, without following any link.
public enum DirectoryReader {
    /// One directory entry.
    public struct Entry: Sendable, Hashable {
        /// What the entry is (a symlink is reported as such, never followed).
        public enum Kind: Sendable, Hashable {
            case file, directory, symlink, other
        }
        /// The entry's name (not valid UTF-8 names are decoded with replacement characters).
        public var name: String
        /// Whether the raw name was valid UTF-8.
        public var isValidUTF8: Bool
        /// The entry's type.
        public var kind: Kind
        /// Its size in bytes, when asked for (``FileSystemManager/list(_:client:withStatus:)``).
        public var size: Int64? = nil
        /// Its modification time in seconds since the epoch, when asked for.
        public var modified: Int64? = nil
    }

    /// The entries of a directory, without `.` and `..`, in the order the file system returns them.
    /// - Parameters:
    ///   - directory: An open directory (not `O_PATH`).
    ///   - path: The directory's path, for errors.
    public static func entries(of directory: Descriptor, path: String) throws(FileSystemError) -> [Entry] {
        // fdopendir takes ownership of the descriptor it is given, so give it a duplicate.
        let duplicate = fcntl(directory.raw, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0, let stream = fdopendir(duplicate) else {
            if duplicate >= 0 { close(duplicate) }
            throw .system(errno, operation: "list", path: path)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var entries: [Entry] = []
        while true {
            errno = 0
            guard let record = readdir(stream) else {
                if errno != 0 { throw .system(errno, operation: "list", path: path) }
                return entries
            }
            let (name, isValid) = withUnsafeBytes(of: &record.pointee.d_name) { raw -> (String, Bool) in
                let bytes = raw.prefix { $0 != 0 }
                let decoded = String(validating: bytes, as: UTF8.self)
                return (decoded ?? String(decoding: bytes, as: UTF8.self), decoded != nil)
            }
            if name == "." || name == ".." { continue }
            var kind = Self.kind(Int32(record.pointee.d_type))
            if kind == nil {
                var info = stat()
                kind =
                    fstatat(directory.raw, name, &info, AT_SYMLINK_NOFOLLOW) == 0
                    ? Self.kind(mode: info.st_mode) : .other
            }
            entries.append(Entry(name: name, isValidUTF8: isValid, kind: kind ?? .other))
        }
    }

    static func kind(_ type: Int32) -> Entry.Kind? {
        switch type {
        case Int32(DT_REG): return .file
        case Int32(DT_DIR): return .directory
        case Int32(DT_LNK): return .symlink
        case Int32(DT_UNKNOWN): return nil
        default: return .other
        }
    }

    /// The kind of a `stat` mode.
    public static func kind(mode: mode_t) -> Entry.Kind {
        switch mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }
}
