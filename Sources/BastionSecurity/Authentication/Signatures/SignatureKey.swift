import BastionProtocol
import Crypto

/// A client's key for RFC 9421 signed requests (`auth.signature_key`): an Ed25519 public key or an
/// HMAC-SHA256 shared secret. Shown (`description`, `dump`) without the secret.
public struct SignatureKey: Sendable, Hashable {
    /// The signature algorithm a key verifies, by its RFC 9421 §6.2 name (the `alg` parameter).
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// EdDSA over Curve25519 (RFC 9421 §3.3.6).
        case ed25519
        /// HMAC using SHA-256 (RFC 9421 §3.3.3).
        case hmacSHA256 = "hmac-sha256"
    }

    /// The shortest HMAC secret accepted: as long as the hash output (RFC 2104 §3).
    public static let minimumSecretBytes = 32
    /// The longest configuration string looked at.
    static let maximumTextBytes = 4096

    /// The algorithm this key verifies.
    public let algorithm: Algorithm
    /// The raw public key (32 bytes) or the secret.
    private let bytes: [UInt8]

    /// Parses `ed25519:BASE64` (the raw 32-byte public key) or `hmac-sha256:BASE64` (the secret,
    /// at least ``minimumSecretBytes``), standard base64.
    /// - Parameter text: The configured value.
    /// - Throws: ``AuthenticationError`` (`invalidCredentials`) saying what is wrong, never quoting the key.
    public init(parsing text: String) throws(AuthenticationError) {
        guard text.utf8.count <= Self.maximumTextBytes else { throw Self.invalid("is longer than 4096 bytes") }
        guard let colon = text.firstIndex(of: ":"),  // path-bytes: a key, not a path
            let algorithm = Algorithm(rawValue: String(text[..<colon]))
        else { throw Self.invalid("must start with \"ed25519:\" or \"hmac-sha256:\"") }
        guard let bytes = StrictBase64.decode(text[text.index(after: colon)...]) else {
            throw Self.invalid("is not standard base64 after \"\(algorithm.rawValue):\"")
        }
        switch algorithm {
        case .ed25519:
            guard bytes.count == 32 else {
                throw Self.invalid("must hold a raw 32-byte Ed25519 public key, not \(bytes.count) bytes")
            }
            guard (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil else {
                throw Self.invalid("is not an Ed25519 public key")
            }
        case .hmacSHA256:
            guard bytes.count >= Self.minimumSecretBytes else {
                throw Self.invalid("must hold a secret of at least \(Self.minimumSecretBytes) bytes")
            }
        }
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Whether `signature` is this key's signature (or MAC) of `base`. HMAC codes are compared in
    /// constant time.
    /// - Parameters:
    ///   - signature: The decoded `Signature` byte sequence.
    ///   - base: The RFC 9421 §2.5 signature base.
    /// - Returns: `true` only for a valid signature.
    public func verify(signature: [UInt8], base: [UInt8]) -> Bool {
        switch algorithm {
        case .ed25519:
            guard signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else {
                return false
            }
            return key.isValidSignature(signature, for: base)
        case .hmacSHA256:
            return HMAC<SHA256>.isValidAuthenticationCode(
                signature,
                authenticating: base,
                using: SymmetricKey(data: bytes)
            )
        }
    }

    private static func invalid(_ problem: String) -> AuthenticationError {
        AuthenticationError(code: .invalidCredentials, message: "a signature key \(problem)")
    }
}

/// Never the secret: an HMAC key shows as `hmac-sha256:<redacted>`; an Ed25519 public key in full.
extension SignatureKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The configuration form, with an HMAC secret redacted.
    public var description: String {
        switch algorithm {
        case .ed25519: return "ed25519:\(StrictBase64.encode(bytes))"
        case .hmacSHA256: return "hmac-sha256:<redacted>"
        }
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["key": description], displayStyle: .struct) }
}
