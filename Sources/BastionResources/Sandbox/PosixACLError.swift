#if canImport(Glibc)
import Glibc
#endif

/// A failed ACL read or write: the system call's `errno`.
package struct PosixACLError: Error, Sendable, Equatable {
    /// The `errno` value.
    package var errno: Int32

    /// `strerror(3)` of it.
    package var message: String { String(cString: strerror(errno)) }
}
