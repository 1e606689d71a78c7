#if canImport(Glibc)
import Glibc
#endif

/// The one `mkdir -p` every layer shares (workdirs, the audit log's directory, the approval sockets').
package enum DirectoryPath {
    /// Why a directory could not be created.
    package struct Failure: Error, Sendable, Hashable {
        /// The prefix whose `mkdir(2)` failed.
        package var path: String
        /// Its `errno`.
        package var errno: Int32
    }

    /// Creates `path` and its missing parents with `mode`; existing ones are left as they are.
    ///
    /// Splits on `/` bytes, never on Characters: a component that starts with a combining mark
    /// stays its own component.
    /// - Parameters:
    ///   - path: An absolute path, or one relative to the working directory.
    ///   - mode: The mode of each directory created (before the umask).
    /// - Throws: ``Failure`` naming the first prefix that could not be created.
    package static func create(_ path: String, mode: UInt32 = 0o700) throws(Failure) {
        let bytes = Array(path.utf8)
        var end = bytes.first == UInt8(ascii: "/") ? 1 : 0
        while end < bytes.count {
            while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
            let prefix = String(decoding: bytes[..<end], as: UTF8.self)
            if mkdir(prefix, mode_t(mode)) != 0, errno != EEXIST { throw Failure(path: prefix, errno: errno) }
            while end < bytes.count, bytes[end] == UInt8(ascii: "/") { end += 1 }
        }
    }
}
