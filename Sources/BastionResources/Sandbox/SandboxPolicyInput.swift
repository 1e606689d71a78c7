#if canImport(Glibc)
import Glibc
#endif

/// Descriptor 3 of `sandbox-exec` as documents: a policy ending at a line feed or at EOF, then,
/// for a prepared policy (``SandboxPolicy/awaitsLaunch``), its ``SandboxLaunch`` read to EOF.
/// Each document is at most ``SandboxPolicy/maximumEncodedBytes``.
package struct SandboxPolicyInput {
    private let descriptor: Int32
    /// Bytes read past the end of the last document.
    private var pending: [UInt8] = []
    private var isAtEnd = false

    /// Reads from `descriptor` (not closed here).
    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next document: the bytes up to the next line feed (not included), or to EOF.
    /// - Throws: ``SandboxError`` when reading fails or the document is too large.
    package mutating func nextDocument() throws(SandboxError) -> [UInt8] {
        var searched = 0
        while true {
            if let end = pending[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let document = Array(pending[..<end])
                pending.removeFirst(end + 1)
                return document
            }
            searched = pending.count
            guard pending.count <= SandboxPolicy.maximumEncodedBytes else { throw Self.tooLarge }
            guard !isAtEnd, try fill() else {
                defer { pending = [] }
                return pending
            }
        }
    }

    /// The rest, to EOF: a launch document.
    /// - Throws: ``SandboxError`` when reading fails or it is too large.
    package mutating func rest() throws(SandboxError) -> [UInt8] {
        while !isAtEnd, try fill() {
            guard pending.count <= SandboxPolicy.maximumEncodedBytes else { throw Self.tooLarge }
        }
        defer { pending = [] }
        return pending
    }

    /// Appends one read's bytes; `false` at EOF. The buffer grows as needed (policies are a few
    /// KiB: zeroing 1 MiB up front would cost every run its page faults).
    private mutating func fill() throws(SandboxError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                pending.append(contentsOf: chunk[..<count])
                return true
            }
            if count == 0 {
                isAtEnd = true
                return false
            }
            guard errno == EINTR else {
                throw SandboxError(message: "reading descriptor \(descriptor): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static var tooLarge: SandboxError {
        SandboxError(message: "the sandbox policy is larger than \(SandboxPolicy.maximumEncodedBytes) bytes")
    }
}
