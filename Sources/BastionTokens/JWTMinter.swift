import BastionSecurity
import Crypto
public import FoundationEssentials
import JWTKit

/// Mints test tokens (`bastion token`): signed with the configured `signing_key_file` (a PEM
/// RSA, P-256 or Ed25519 private key: RS256, ES256, EdDSA) or the HS256 secret, with the claims
/// ``JWTVerifier`` checks.
public enum JWTMinter {
    /// A key that signs.
    public enum Key: Sendable {
        case hs256(secret: [UInt8])
        case privateKeyPEM(String)
    }

    /// What a minting could not do.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A signed token.
    /// - Parameters:
    ///   - key: The signing key.
    ///   - issuer: `iss`.
    ///   - audience: `aud`.
    ///   - subject: `sub`.
    ///   - scopes: `scope`, space-separated; none: no claim.
    ///   - lifetime: From now to `exp`.
    ///   - now: `nbf` (and `exp`'s origin).
    public static func mint(
        key: Key,
        issuer: String,
        audience: String,
        subject: String,
        scopes: [String] = [],
        lifetime: TimeInterval,
        now: Date = Date()
    ) async throws(Failure) -> String {
        let keys = JWTKeyCollection()
        do {
            switch key {
            case .hs256(let secret):
                await keys.add(hmac: HMACKey(key: SymmetricKey(data: secret)), digestAlgorithm: .sha256)
            case .privateKeyPEM(let pem):
                if let rsa = try? Insecure.RSA.PrivateKey(pem: pem) {
                    await keys.add(rsa: rsa, digestAlgorithm: .sha256)
                } else if let ecdsa = try? ES256PrivateKey(pem: pem) {
                    await keys.add(ecdsa: ecdsa)
                } else if let eddsa = try? EdDSA.PrivateKey(pem: pem) {
                    await keys.add(eddsa: eddsa)
                } else {
                    throw Failure(description: "the signing key is not a PEM RSA, P-256 or Ed25519 private key")
                }
            }
            let claims = JWTVerifier.Claims(
                iss: issuer,
                sub: subject,
                aud: [audience],
                exp: now.addingTimeInterval(lifetime),
                nbf: now,
                scope: scopes.isEmpty ? nil : scopes.joined(separator: " ")
            )
            return try await keys.sign(claims)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot sign: \(error)")
        }
    }
}
