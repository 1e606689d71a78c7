import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension BastionConfiguration {
    /// The longest key file read (a key is under 100 bytes; the limit is ``SignatureKey``'s).
    static let maximumKeyFileBytes = 4096

    /// This configuration with every client's `signature_key_file` read into its key.
    ///
    /// A file holds what `signature_key` would (`ed25519:BASE64` or `hmac-sha256:BASE64`), a
    /// trailing newline allowed. It is opened without following a final symbolic link and checked
    /// on its descriptor (review 15, finding 6): a regular file, owned by this process's user or
    /// root, writable by its owner only — whoever could rewrite even a public key could put in
    /// their own and sign as the client —, and for an HMAC secret readable by its owner only
    /// (mode 600 or stricter): a secret any local user can read signs for the client.
    /// - Parameter source: The configuration file, for errors.
    /// - Throws: ``ConfigurationError`` naming the client's key and the problem, never the key.
    func readingSignatureKeyFiles(source: String) throws(ConfigurationError) -> BastionConfiguration {
        var configuration = self
        for index in configuration.clients.indices {
            guard let file = configuration.clients[index].auth.signatureKeyFile else { continue }
            let keyPath = "clients[\(index)].auth.signature_key_file"
            func failure(_ message: String) -> ConfigurationError {
                ConfigurationError(
                    code: .invalidValue,
                    file: source,
                    line: nil,
                    column: nil,
                    keyPath: keyPath,
                    message: message
                )
            }
            let (bytes, mode) = try Self.readKeyFile(file, failure: failure)
            let key: SignatureKey
            do {
                key = try SignatureKey(parsing: String(decoding: bytes, as: UTF8.self))
            } catch {
                throw failure("\(file): \(error.message)")
            }
            if key.algorithm == .hmacSHA256, mode & 0o077 != 0 {
                throw failure(
                    "\(file) holds an HMAC secret and is readable by other users (mode \(String(mode, radix: 8))); "
                        + "chmod 600 it"
                )
            }
            configuration.clients[index].auth.signatureKey = key
        }
        return configuration
    }

    /// The file's content (trailing whitespace dropped) and permission bits, read through one
    /// descriptor after its checks.
    private static func readKeyFile(
        _ file: String,
        failure: (String) -> ConfigurationError
    ) throws(ConfigurationError) -> (bytes: [UInt8], mode: UInt32) {
        let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw failure("cannot read \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot read \(file)") }
        let mode = UInt32(info.st_mode) & 0o7777
        guard info.st_mode & S_IFMT == S_IFREG else { throw failure("\(file) is not a regular file") }
        guard info.st_uid == geteuid() || info.st_uid == 0 else {
            throw failure("\(file) must belong to the server's user or root (it belongs to uid \(info.st_uid))")
        }
        guard mode & 0o022 == 0 else {
            throw failure("\(file) is writable by other users (mode \(String(mode, radix: 8))); chmod go-w it")
        }
        guard info.st_size <= maximumKeyFileBytes else {
            throw failure("\(file) is larger than \(maximumKeyFileBytes) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: maximumKeyFileBytes + 1)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if read < 0, errno == EINTR { continue }
            guard read >= 0 else { throw failure("cannot read \(file)") }
            if read == 0 { break }
            count += read
        }
        guard count <= maximumKeyFileBytes else { throw failure("\(file) is larger than \(maximumKeyFileBytes) bytes") }
        bytes.removeSubrange(count...)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
        return (bytes, mode)
    }
}
