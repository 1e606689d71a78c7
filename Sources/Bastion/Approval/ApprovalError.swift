#if canImport(Glibc)
import Glibc
#endif

/// A failure of the approval machinery itself (directory, socket, wire protocol), not a refusal.
package struct ApprovalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, in words for the operator.
    package var message: String

    /// Creates an error.
    /// - Parameter message: What went wrong.
    package init(_ message: String) {
        self.message = message
    }

    /// An error for a failed system call, with `errno`'s text.
    /// - Parameter what: What was being done ("cannot bind /run/…").
    /// - Returns: The error.
    static func system(_ what: String, errno code: Int32) -> ApprovalError {
        ApprovalError("\(what): \(String(cString: strerror(code)))")
    }

    package var description: String { message }
}
