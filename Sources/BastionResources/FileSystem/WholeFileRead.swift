#if canImport(Glibc)
import Glibc
#endif

/// A regular file opened to be read whole, and the most bytes that read will take, known before
/// reading: a caller can reserve that memory first (``FileSystemManager/openForWholeRead(_:maxBytes:)``).
///
/// The bytes are read into one buffer of that size, allocated once: no growth by doubling, no
/// second copy. The file is read as it was when opened: one that grows meanwhile is read up to its
/// size at the open; a pseudo-file reporting 0 bytes (`/proc`) up to ``pseudoFileBytes``.
public struct WholeFileRead: Sendable {
    /// What a file reporting a size of 0 is read up to.
    public static let pseudoFileBytes = 1 << 20

    /// The most bytes ``read()`` returns.
    public let byteCount: Int
    private let file: Descriptor
    private let path: String

    /// Prepares the read of an open regular file.
    /// - Parameters:
    ///   - file: The open file.
    ///   - size: Its size from `fstat`.
    ///   - maxBytes: The caller's read limit.
    ///   - path: The file's path, for errors.
    /// - Throws: `limit` when the file is larger than `maxBytes`.
    init(file: Descriptor, size: Int, maxBytes: Int, path: String) throws(FileSystemError) {
        guard size <= maxBytes else {
            throw FileSystemError(
                .limit,
                "\"\(FileSystemError.shown(path))\" is \(size) bytes, more than the \(maxBytes)-byte "
                    + "read limit; read part of it with head or tail"
            )
        }
        self.file = file
        self.path = path
        self.byteCount = max(0, size > 0 ? size : min(maxBytes, Self.pseudoFileBytes))
    }

    /// Reads the file into a buffer of ``byteCount`` bytes; stops at end of file.
    /// - Returns: The bytes (fewer than ``byteCount`` if the file shrank).
    /// - Throws: ``FileSystemError`` when `read(2)` fails.
    public func read() throws(FileSystemError) -> [UInt8] {
        var failure: Int32?
        let bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initialized in
            initialized = 0
            while initialized < buffer.count {
                let count = Glibc.read(
                    file.raw,
                    buffer.baseAddress.map { $0 + initialized },
                    buffer.count - initialized
                )
                if count > 0 {
                    initialized += count
                } else if count == 0 {
                    return
                } else if errno != EINTR {
                    failure = errno
                    return
                }
            }
        }
        if let failure { throw .system(failure, operation: "read", path: path) }
        return bytes
    }
}

extension FileSystemManager {
    /// Opens an authorized regular file to read it whole, after the caller has reserved
    /// ``WholeFileRead/byteCount`` bytes of memory.
    /// - Throws: as ``openRegularFile(_:)``; `limit` when the file is larger than `maxBytes`.
    public func openForWholeRead(_ target: AuthorizedPath, maxBytes: Int) throws(FileSystemError) -> WholeFileRead {
        let (file, info) = try openRegularFile(target)
        return try WholeFileRead(file: file, size: Int(info.st_size), maxBytes: maxBytes, path: target.path)
    }
}
