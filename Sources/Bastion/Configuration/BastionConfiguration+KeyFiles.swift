import BastionSecurity

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension BastionConfiguration {
    /// The longest key file read (a key is under 100 bytes; the limit is ``SignatureKey``'s).
    static let maximumKeyFileBytes = 4096

    /// This configuration with every client's `signature_key_file` read into its key.
    ///
    /// A file holds what `signature_key` would (`ed25519:BASE64` or `hmac-sha256:BASE64`), a
    /// trailing newline allowed. A file holding an HMAC secret must be readable by its owner only
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
            let attributes: [FileAttributeKey: Any]
            let data: Data
            do {
                attributes = try FileManager.default.attributesOfItem(atPath: file)
                guard let size = attributes[.size] as? Int, size <= Self.maximumKeyFileBytes else {
                    throw failure("\(file) is larger than \(Self.maximumKeyFileBytes) bytes")
                }
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw failure("cannot read \(file)")
            }
            var bytes = Array(data.prefix(Self.maximumKeyFileBytes))
            while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
            let key: SignatureKey
            do {
                key = try SignatureKey(parsing: String(decoding: bytes, as: UTF8.self))
            } catch {
                throw failure("\(file): \(error.message)")
            }
            let mode = (attributes[.posixPermissions] as? Int) ?? 0o777
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
}
