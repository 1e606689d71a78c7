import BastionSecurity

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
        /// The entry's name for people and permission checks: the name itself when it is valid UTF-8,
        /// else with each invalid byte written `\xHH`, so two names never look alike.
        public var name: String
        /// Whether the raw name was valid UTF-8.
        public var isValidUTF8: Bool
        /// The name's bytes as the file system has them, NUL-terminated: what system calls get.
        public var rawName: [CChar]
        /// The entry's type.
        public var kind: Kind
        /// Its size in bytes, when asked for (``FileSystemManager/list(_:client:withStatus:)``).
        public var size: Int64? = nil
        /// Its modification time in seconds since the epoch, when asked for.
        public var modified: Int64? = nil

        /// Calls `body` with the name's raw bytes (without the NUL): what permission decisions on
        /// the entry are made on (``name`` is for people; it may differ from them).
        public func withNameBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            rawName.withUnsafeBytes { raw in
                body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self).dropLast()))
            }
        }
    }

    /// The entries of a directory, without `.` and `..`, in the order the file system returns them.
    /// - Parameters:
    ///   - directory: An open directory (not `O_PATH`).
    ///   - path: The directory's path, for errors.
    public static func entries(of directory: Descriptor, path: String) throws(FileSystemError) -> [Entry] {
        try entries(of: directory, path: path, limit: .max) { $0 }.items
    }

    /// What the caller keeps of a directory's entries, read only up to `limit` kept items: reading
    /// stops there, so a listing of a directory of millions of entries costs what it returns.
    /// - Parameters:
    ///   - directory: An open directory (not `O_PATH`).
    ///   - path: The directory's path, for errors.
    ///   - limit: The most items kept; one more kept entry ends the read and marks it truncated.
    ///   - keep: Turns an entry into the item kept, or `nil` to leave it out (a hidden entry).
    /// - Returns: The kept items in the order the file system returns them, how many entries were
    ///   left out, and whether the read stopped at `limit` with more entries to come.
    public static func entries<Item>(
        of directory: Descriptor,
        path: String,
        limit: Int,
        keep: (Entry) -> Item?
    ) throws(FileSystemError) -> (items: [Item], excluded: Int, isTruncated: Bool) {
        // fdopendir takes ownership of the descriptor it is given, so give it a duplicate.
        let duplicate = fcntl(directory.raw, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0, let stream = fdopendir(duplicate) else {
            if duplicate >= 0 { close(duplicate) }
            throw .system(errno, operation: "list", path: path)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var items: [Item] = []
        var excluded = 0
        while true {
            errno = 0
            guard let record = readdir(stream) else {
                if errno != 0 { throw .system(errno, operation: "list", path: path) }
                return (items, excluded, false)
            }
            guard let entry = Self.entry(record, in: directory) else { continue }
            guard let item = keep(entry) else {
                excluded += 1
                continue
            }
            if items.count >= limit { return (items, excluded, true) }
            items.append(item)
        }
    }

    /// The entry of a `readdir` record; `nil` for `.` and `..`.
    ///
    /// One allocation for the raw name (and one for the display name when it is longer than a
    /// small string); the kind comes from `d_type`, with an `fstatat` only when the file system
    /// does not fill it in (`DT_UNKNOWN`).
    private static func entry(_ record: UnsafeMutablePointer<dirent>, in directory: Descriptor) -> Entry? {
        let entry = withUnsafeBytes(of: &record.pointee.d_name) { raw -> (String, Bool, [CChar])? in
            let length = raw.firstIndex(of: 0) ?? raw.count
            let bytes = UnsafeRawBufferPointer(rebasing: raw[..<length]).bindMemory(to: UInt8.self)
            if PathBytes.isDotSegment(bytes) { return nil }
            let rawName = [CChar](unsafeUninitializedCapacity: length + 1) { buffer, count in
                for index in 0..<length { buffer[index] = CChar(bitPattern: bytes[index]) }
                buffer[length] = 0
                count = length + 1
            }
            // An ASCII name (the usual case) needs no validation, whose generic path looks up type
            // metadata at every call.
            let isASCII = bytes.allSatisfy { $0 < 0x80 }
            let decoded = isASCII ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
            return (decoded ?? Self.escaped(Array(bytes)), decoded != nil, rawName)
        }
        guard let (name, isValid, rawName) = entry else { return nil }
        var kind = Self.kind(Int32(record.pointee.d_type))
        if kind == nil {
            var info = stat()
            kind =
                fstatat(directory.raw, rawName, &info, AT_SYMLINK_NOFOLLOW) == 0
                ? Self.kind(mode: info.st_mode) : .other
        }
        return Entry(name: name, isValidUTF8: isValid, rawName: rawName, kind: kind ?? .other)
    }

    /// Entries sorted by raw name, byte by byte (the order of their names for UTF-8 names; a name
    /// that is not UTF-8 sorts by its bytes, not by its `\xHH` display form).
    ///
    /// Sorts positions, then copies each entry once: sorting the entries themselves copied (and
    /// retained and released) entries at every step, over a quarter of a walk's time.
    public static func sortedByName(_ entries: [Entry]) -> [Entry] {
        var order = Array(entries.indices)
        entries.withUnsafeBufferPointer { items in
            order.sort { left, right in
                items[left].rawName.withUnsafeBufferPointer { l in
                    items[right].rawName.withUnsafeBufferPointer { r in
                        guard let l = l.baseAddress, let r = r.baseAddress else { return false }
                        return strcmp(l, r) < 0
                    }
                }
            }
        }
        return order.map { entries[$0] }
    }

    /// Valid UTF-8 sequences kept, every other byte written `\xHH`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var result = ""
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length =
                lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            if length > 0, index + length <= bytes.count,
                let character = String(validating: bytes[index..<index + length], as: UTF8.self)
            {
                result += character
                index += length
            } else {
                let hex = String(lead, radix: 16, uppercase: true)
                result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                index += 1
            }
        }
        return result
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
