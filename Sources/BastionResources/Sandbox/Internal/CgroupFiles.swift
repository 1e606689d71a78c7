#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the server does on cgroupfs: each one relative to a directory opened
/// with `O_NOFOLLOW | O_DIRECTORY`, each control file opened with `O_NOFOLLOW` and never created
/// (a name that is not already a control file of the kernel's is an error, not a new file).
enum CgroupFiles {
    /// The most bytes read from one control file (`cgroup.procs` of a run holds at most
    /// `limits.processes` pids; event files are a few lines).
    static let readCap = 256 * 1024

    /// Opens a directory for `*at` calls; -1 with `errno` when it is missing or a link.
    static func openDirectory(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    /// Writes `text` to the control file `name` of `directory`.
    /// - Returns: `nil`, or the `errno` of the failure.
    static func write(_ text: String, to name: String, in directory: String) -> Int32? {
        let parent = openDirectory(directory)
        guard parent >= 0 else { return errno }
        defer { close(parent) }
        let file = openat(parent, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { return errno }
        defer { close(file) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress, $0.count) }
        if written == bytes.count { return nil }
        return written < 0 ? errno : EIO
    }

    /// The contents of the control file `name` of `directory`, at most ``readCap`` bytes; `nil`
    /// when it cannot be read.
    static func read(_ name: String, in directory: String) -> [UInt8]? {
        let parent = openDirectory(directory)
        guard parent >= 0 else { return nil }
        defer { close(parent) }
        let file = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while contents.count < readCap {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            contents += chunk[..<count]
        }
        return contents
    }

    /// Whether `directory` has an entry `name` (not following a link).
    static func exists(_ name: String, in directory: String) -> Bool {
        let parent = openDirectory(directory)
        guard parent >= 0 else { return false }
        defer { close(parent) }
        var info = stat()
        return fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Creates the directory `name` in `directory` (mode 0700: only the server may write its
    /// control files); one that exists already is fine.
    /// - Returns: `nil`, or the `errno` of the failure.
    static func makeDirectory(_ name: String, in directory: String) -> Int32? {
        let parent = openDirectory(directory)
        guard parent >= 0 else { return errno }
        defer { close(parent) }
        if mkdirat(parent, name, 0o700) == 0 || errno == EEXIST { return nil }
        return errno
    }

    /// Removes the (empty, unpopulated) cgroup directory `name` of `directory`.
    /// - Returns: `nil`, or the `errno` of the failure (`ENOENT` counts as done).
    static func removeDirectory(_ name: String, in directory: String) -> Int32? {
        let parent = openDirectory(directory)
        guard parent >= 0 else { return errno == ENOENT ? nil : errno }
        defer { close(parent) }
        if unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT { return nil }
        return errno
    }

    /// The names of the subdirectories of `directory` (cgroups; control files are regular files).
    static func subdirectories(of directory: String) -> [String] {
        let descriptor = openDirectory(directory)
        guard descriptor >= 0, let stream = fdopendir(descriptor) else {
            if descriptor >= 0 { close(descriptor) }
            return []
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The number after `key` on its line of a flat-keyed file (`oom_kill 3` in `memory.events`).
    static func value(of key: String, in contents: [UInt8]) -> Int? {
        for line in contents.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count == 2, fields[0].elementsEqual(key.utf8) else { continue }
            return Int(String(decoding: fields[1], as: UTF8.self))
        }
        return nil
    }

    /// The pids of a `cgroup.procs` file, one decimal number a line.
    static func pids(in contents: [UInt8]) -> [pid_t] {
        contents.split(separator: UInt8(ascii: "\n")).compactMap { pid_t(String(decoding: $0, as: UTF8.self)) }
    }
}
