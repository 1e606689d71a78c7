import Bastion
import BastionSecurity
import BastionTokens
import Foundation

/// The keys of `[auth.jwt]`, read from their files: the verifier `bastion serve` checks tokens
/// with, and the key `bastion token` signs with.
enum TokenKeys {
    /// The verifier of `[auth.jwt]` (`public_keys`, `hs256_secret_file`).
    static func verifier(_ jwt: JWTConfiguration, publicURL: String?) async throws -> JWTVerifier {
        guard let audience = jwt.audience ?? publicURL else {
            throw CommandFailure("[auth.jwt] needs an audience: set audience or [transport.http] public_url")
        }
        var keys: [JWTVerifier.Key] = []
        for path in jwt.publicKeys { keys.append(.publicKeyPEM(try text(of: path))) }
        if let secret = jwt.hs256SecretFile { keys.append(.hs256(secret: try secretBytes(of: secret))) }
        do {
            return try await JWTVerifier.make(
                issuer: jwt.issuer,
                audience: audience,
                keys: keys,
                requiredScopes: jwt.requiredScopes
            )
        } catch {
            throw CommandFailure("[auth.jwt]: \(error.message)")
        }
    }

    /// The key `bastion token` signs with: `signing_key_file`, else the HS256 secret.
    static func signingKey(_ jwt: JWTConfiguration) throws -> JWTMinter.Key {
        if let path = jwt.signingKeyFile { return .privateKeyPEM(try text(of: path)) }
        if let secret = jwt.hs256SecretFile { return .hs256(secret: try secretBytes(of: secret)) }
        throw CommandFailure("[auth.jwt] has neither signing_key_file nor hs256_secret_file to sign with")
    }

    private static func text(of path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw CommandFailure("cannot read \(path)") }
        return text
    }

    /// The secret's bytes, without the line break an editor adds at the end.
    private static func secretBytes(of path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(path)") }
        var bytes = Array(data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        return bytes
    }
}
