#if canImport(Glibc)
public import Glibc
#endif

/// An open file descriptor, closed when the last reference goes away.
///
/// A class rather than a noncopyable struct so that it travels in tuples and optionals; the
/// allocation is nothing next to the system calls around it.
public final class Descriptor: Sendable {
    /// The raw descriptor number.
    public let raw: Int32

    /// Takes ownership of an open descriptor.
    public init(_ raw: Int32) {
        self.raw = raw
    }

    deinit {
        close(raw)
    }

    /// The file's status, read with `fstat(2)`.
    public func status() throws(FileSystemError) -> stat {
        var info = stat()
        guard fstat(raw, &info) == 0 else { throw .system(errno, operation: "inspect", path: nil) }
        return info
    }
}
