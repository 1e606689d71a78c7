import BastionProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The latest record of an audit file as `{seq, hash}`, kept in `<audit file>.head` so that a
/// truncated tail, which the hash chain alone cannot reveal, is detected by `bastion audit verify`.
public struct AuditChainHead: Sendable, Hashable {
    /// The sequence number of the latest record.
    public var sequence: Int64
    /// That record's `hash`.
    public var hash: String

    /// Creates a head.
    ///
    /// - Parameters:
    ///   - sequence: The latest record's `seq`.
    ///   - hash: The latest record's `hash`.
    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// The head file that belongs to an audit file.
    ///
    /// - Parameter auditPath: The audit file's path.
    /// - Returns: `auditPath` + `.head`.
    public static func path(for auditPath: String) -> String {
        auditPath + ".head"
    }

    /// The head's JSON line, `{"hash":"…","seq":N}`.
    package var encoded: [UInt8] {
        var bytes = JSONWriter.encode(["hash": .string(hash), "seq": .int(sequence)])
        bytes.append(0x0A)
        return bytes
    }

    /// Parses a head file's content.
    ///
    /// - Parameter bytes: The file's bytes.
    /// - Returns: The head, or `nil` when the content is not a head.
    package static func parse(_ bytes: [UInt8]) -> AuditChainHead? {
        guard let value = try? JSONParser.parse(bytes), let sequence = value["seq"]?.intValue,
            let hash = value["hash"]?.stringValue, AuditCanonicalForm.isHash(hash)
        else { return nil }
        return AuditChainHead(sequence: sequence, hash: hash)
    }

    /// Replaces the head file atomically: a temporary file (mode 0600) beside it, then `rename(2)`.
    ///
    /// - Parameter path: The head file's path.
    /// - Returns: Whether the head was written.
    @discardableResult
    package func write(to path: String) -> Bool {
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return false }
        let bytes = encoded
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Reads a head file.
    ///
    /// - Parameter path: The head file's path.
    /// - Returns: The head, or `nil` when the file is absent or unreadable.
    /// - Throws: ``AuditError`` when the file exists but is not a head.
    package static func read(from path: String) throws(AuditError) -> AuditChainHead? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0, let head = parse(Array(bytes[..<count])) else {
            throw AuditError(message: "\(path): not an audit head file")
        }
        return head
    }
}
