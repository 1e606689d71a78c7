public import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

/// Why a file-system operation failed, in words a model can act on. Never contains file content.
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure kind, comparable across versions.
    public enum Kind: Sendable, Hashable {
        /// The permission layer refused (the message names the permission or rule).
        case denied
        /// The kernel refused a path that left the client's scope or crossed a symbolic link.
        case confinement
        /// The path does not exist.
        case notFound
        /// The request does not fit the file (a directory where a file is expected, binary as text, …).
        case invalid
        /// The destination exists.
        case exists
        /// A configured limit was reached.
        case limit
        /// Any other system error.
        case system
    }

    /// The failure kind.
    public var kind: Kind
    /// One sentence for the client.
    public var message: String
    /// For kind `denied`: the refusal as the audit log records it (permission, canonical path, rule).
    public var denial: PermissionDenial?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A permission refusal (kind `denied`) carrying what the audit record needs.
    /// - Parameters:
    ///   - denial: The permission, canonical path and rule.
    ///   - message: One sentence for the client.
    public init(denial: PermissionDenial, _ message: String) {
        self.init(.denied, message)
        self.denial = denial
    }

    public var description: String { message }

    /// An error for a failed system call, naming the operation and the path.
    static func system(_ code: Int32, operation: String, path: String?) -> FileSystemError {
        let subject = path.map { " \"\(shown($0))\"" } ?? ""
        switch code {
        case ENOENT:
            return FileSystemError(.notFound, "Cannot \(operation)\(subject): no such file or directory")
        case EEXIST:
            return FileSystemError(.exists, "Cannot \(operation)\(subject): it already exists")
        case ELOOP:
            return FileSystemError(
                .confinement,
                "Refused to \(operation)\(subject): the path contains a symbolic link (it may have changed since it was checked)"
            )
        case EXDEV:
            return FileSystemError(
                .confinement,
                "Refused to \(operation)\(subject): the path leaves the allowed directory"
            )
        case ENOTDIR:
            return FileSystemError(
                .invalid,
                "Cannot \(operation)\(subject): a component of the path is not a directory"
            )
        case EISDIR:
            return FileSystemError(.invalid, "Cannot \(operation)\(subject): it is a directory")
        case ENOTEMPTY:
            return FileSystemError(.invalid, "Cannot \(operation)\(subject): the directory is not empty")
        case EACCES, EPERM:
            return FileSystemError(.system, "Cannot \(operation)\(subject): the operating system refused access")
        case ENAMETOOLONG:
            return FileSystemError(.invalid, "Cannot \(operation)\(subject): the name is too long")
        case ENOSPC, EDQUOT:
            return FileSystemError(.system, "Cannot \(operation)\(subject): no space left on the device")
        default:
            return FileSystemError(.system, "Cannot \(operation)\(subject): \(String(cString: strerror(code)))")
        }
    }

    /// A path as shown in messages: control characters escaped, at most 512 characters.
    static func shown(_ path: String) -> String {
        var text = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
            if text.count > 512 { return text + "…" }
        }
        return text
    }
}
