import BastionProtocol
public import BastionSecurity
import Crypto
public import FoundationEssentials
import JWTKit
import Synchronization

/// Verifies JWT bearer tokens (jwt-kit): HS256, RS256, ES256 and EdDSA signatures, then `iss`,
/// `aud` (this server only: no token passthrough), `exp` and `nbf` with a small leeway, and the
/// required scopes. What it proves is the token's `sub`, which ``TokenSubjectAuthenticator``
/// maps to a client.
///
/// The header's `alg` chooses the keys, never the other way round: a token is checked only by
/// keys of the algorithm it names, and an `alg` with no configured key — `none` among them — is
/// refused unverified, so an HS256 token "signed" with an RSA public key finds no HMAC secret
/// to be checked against (jwt-kit's verify does not compare the two itself).
///
/// A verified token is remembered (by its SHA-256, until it expires or for five minutes at
/// most) so a client that sends the same token with every request pays the signature check once.
public final class JWTVerifier: BearerTokenVerifier {
    /// A key that verifies tokens.
    public enum Key: Sendable {
        /// The HS256 shared secret.
        case hs256(secret: [UInt8])
        /// A PEM public key: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA).
        case publicKeyPEM(String)
    }

    /// A verified token, remembered until it expires.
    struct Verified: Sendable, Hashable {
        var token: VerifiedToken
        var expires: Date
    }

    /// The largest token looked at; beyond it a token is refused unparsed.
    public static let maximumTokenBytes = 16 << 10
    /// How far `exp` and `nbf` may be off the server's clock.
    public static let leeway: TimeInterval = 60
    /// Verified tokens remembered at most.
    static let maximumCached = 4096

    private let issuer: String
    private let audience: String
    private let requiredScopes: Set<String>
    /// One collection per key, each with that key as its default, by the `alg` it verifies.
    private let collections: [String: [JWTKeyCollection]]
    private let cache = Mutex<[String: Verified]>([:])

    private init(
        issuer: String,
        audience: String,
        requiredScopes: Set<String>,
        collections: [String: [JWTKeyCollection]]
    ) {
        self.issuer = issuer
        self.audience = audience
        self.requiredScopes = requiredScopes
        self.collections = collections
    }

    /// The algorithms that have a key.
    public var algorithms: Set<String> { Set(collections.keys) }

    /// Loads the keys.
    /// - Throws: ``AuthenticationError`` (invalid credentials) naming the key that cannot be read.
    public static func make(
        issuer: String,
        audience: String,
        keys: [Key],
        requiredScopes: [String] = []
    ) async throws(AuthenticationError) -> JWTVerifier {
        var collections: [String: [JWTKeyCollection]] = [:]
        for (index, key) in keys.enumerated() {
            let collection = JWTKeyCollection()
            let algorithm: String
            do {
                switch key {
                case .hs256(let secret):
                    guard secret.count >= 32 else {
                        throw AuthenticationError(
                            code: .invalidCredentials,
                            message: "the HS256 secret has \(secret.count) bytes; at least 32 are needed"
                        )
                    }
                    await collection.add(hmac: HMACKey(key: SymmetricKey(data: secret)), digestAlgorithm: .sha256)
                    algorithm = "HS256"
                case .publicKeyPEM(let pem):
                    if let rsa = try? Insecure.RSA.PublicKey(pem: pem) {
                        await collection.add(rsa: rsa, digestAlgorithm: .sha256)
                        algorithm = "RS256"
                    } else if let ecdsa = try? ES256PublicKey(pem: pem) {
                        await collection.add(ecdsa: ecdsa)
                        algorithm = "ES256"
                    } else if let eddsa = try? EdDSA.PublicKey(pem: pem) {
                        await collection.add(eddsa: eddsa)
                        algorithm = "EdDSA"
                    } else {
                        throw AuthenticationError(
                            code: .invalidCredentials,
                            message: "public key \(index + 1) is not a PEM RSA, P-256 or Ed25519 public key"
                        )
                    }
                }
            } catch let error as AuthenticationError {
                throw error
            } catch {
                throw AuthenticationError(code: .invalidCredentials, message: "key \(index + 1): \(error)")
            }
            collections[algorithm, default: []].append(collection)
        }
        return JWTVerifier(
            issuer: issuer,
            audience: audience,
            requiredScopes: Set(requiredScopes),
            collections: collections
        )
    }

    /// Verifies `token`.
    /// - Throws: ``AuthenticationError``: `invalidCredentials` for a token that is malformed,
    ///   forged, expired, not yet valid, or for another issuer or audience; `insufficientScope`
    ///   for a valid one without a required scope. The message never quotes the token.
    public func verify(_ token: String) async throws(AuthenticationError) -> VerifiedToken {
        try await verify(token, now: Date())
    }

    /// Verifies `token` at `now`.
    public func verify(_ token: String, now: Date) async throws(AuthenticationError) -> VerifiedToken {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maximumTokenBytes else { throw Self.invalid("the token is too large") }
        // Two hex digits per byte: a digit dropped would make two digests one key (review 13, finding 6).
        let digest = SHA256.hash(data: bytes).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
        if let known = cache.withLock({ $0[digest] }), known.expires.timeIntervalSince(now) > -Self.leeway {
            return try checkScopes(known)
        }
        let algorithm = try Self.algorithm(of: bytes)
        guard let candidates = collections[algorithm] else {
            // Named only when it is one we know: the header is the peer's text (review 13, finding 3).
            let named = ["HS256", "RS256", "ES256", "EdDSA"].contains(algorithm) ? algorithm : "an unsupported alg"
            throw Self.invalid("no key verifies tokens signed with \(named)")
        }
        var claims: Claims?
        for collection in candidates {
            if let verified = try? await collection.verify(bytes, as: Claims.self) {
                claims = verified
                break
            }
        }
        guard let claims else { throw Self.invalid("the signature does not verify") }
        let verified = try check(claims, now: now)
        cache.withLock { cache in
            if cache.count >= Self.maximumCached { cache.removeAll(keepingCapacity: true) }
            var remembered = verified
            remembered.expires = min(verified.expires, now.addingTimeInterval(300))
            cache[digest] = remembered
        }
        return try checkScopes(verified)
    }

    /// The header's `alg`, read before anything is verified: it decides which keys may.
    static func algorithm(of token: [UInt8]) throws(AuthenticationError) -> String {
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty else {
            throw invalid("a token has three non-empty parts")
        }
        guard let header = base64URLDecoded(parts[0]), let json = try? JSONParser.parse(header),
            let algorithm = json["alg"]?.stringValue
        else { throw invalid("the token's header is not JSON with an alg") }
        // A header that asks for extensions we do not implement must not be accepted (RFC 7515 §4.1.11).
        guard json["crit"] == nil else { throw invalid("the token's header has crit") }
        return algorithm
    }

    private func check(_ claims: Claims, now: Date) throws(AuthenticationError) -> Verified {
        guard claims.iss == issuer else { throw Self.invalid("the token was issued by someone else") }
        guard claims.aud?.value.contains(audience) == true else {
            throw Self.invalid("the token is not for this server (aud)")
        }
        guard let exp = claims.exp else { throw Self.invalid("the token has no exp") }
        guard exp.addingTimeInterval(Self.leeway) > now else { throw Self.invalid("the token has expired") }
        if let nbf = claims.nbf, nbf.addingTimeInterval(-Self.leeway) > now {
            throw Self.invalid("the token is not valid yet (nbf)")
        }
        guard let subject = claims.sub, !subject.isEmpty else { throw Self.invalid("the token has no sub") }
        var scopes = Set((claims.scope ?? "").split(separator: " ").map(String.init))
        scopes.formUnion(claims.scp ?? [])
        return Verified(token: VerifiedToken(subject: subject, scopes: scopes), expires: exp)
    }

    private func checkScopes(_ verified: Verified) throws(AuthenticationError) -> VerifiedToken {
        let missing = requiredScopes.subtracting(verified.token.scopes)
        guard missing.isEmpty else {
            throw AuthenticationError(
                code: .insufficientScope,
                message: "the token lacks the scope \(missing.sorted().joined(separator: " "))"
            )
        }
        return verified.token
    }

    /// The scopes every token must hold (for the 403's `scope`).
    public var requiredScopeList: [String] { requiredScopes.sorted() }

    private static func invalid(_ message: String) -> AuthenticationError {
        AuthenticationError(code: .invalidCredentials, message: message)
    }

    /// RFC 4648 §5 without padding; `nil` for anything else.
    static func base64URLDecoded(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var standard = text.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        guard !standard.contains(UInt8(ascii: "=")), standard.count % 4 != 1 else { return nil }
        while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(standard)).map { Array($0) }
    }

    /// The claims Bastion reads; their checks are ``check(_:now:)``'s, after the signature's.
    struct Claims: JWTPayload {
        var iss: String?
        var sub: String?
        var aud: AudienceClaim?
        var exp: Date?
        var nbf: Date?
        var scope: String?
        var scp: [String]?

        enum CodingKeys: String, CodingKey { case iss, sub, aud, exp, nbf, scope, scp }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            iss = try container.decodeIfPresent(String.self, forKey: .iss)
            sub = try container.decodeIfPresent(String.self, forKey: .sub)
            aud = try container.decodeIfPresent(AudienceClaim.self, forKey: .aud)
            exp = try container.decodeIfPresent(Double.self, forKey: .exp).map { Date(timeIntervalSince1970: $0) }
            nbf = try container.decodeIfPresent(Double.self, forKey: .nbf).map { Date(timeIntervalSince1970: $0) }
            scope = try container.decodeIfPresent(String.self, forKey: .scope)
            scp = try container.decodeIfPresent([String].self, forKey: .scp)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(iss, forKey: .iss)
            try container.encodeIfPresent(sub, forKey: .sub)
            try container.encodeIfPresent(aud, forKey: .aud)
            try container.encodeIfPresent(exp?.timeIntervalSince1970, forKey: .exp)
            try container.encodeIfPresent(nbf?.timeIntervalSince1970, forKey: .nbf)
            try container.encodeIfPresent(scope, forKey: .scope)
            try container.encodeIfPresent(scp, forKey: .scp)
        }

        init(iss: String?, sub: String?, aud: [String], exp: Date, nbf: Date, scope: String?) {
            self.iss = iss
            self.sub = sub
            self.aud = AudienceClaim(value: aud)
            self.exp = exp
            self.nbf = nbf
            self.scope = scope
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
