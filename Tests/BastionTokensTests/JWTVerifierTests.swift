import BastionSecurity
import Crypto
import Foundation
import Testing

@testable import BastionTokens

/// JWT verification (JWTVerifier.swift): what a token must prove, and what it may not get away with.
struct JWTVerifierTests {
    static let secret = Array("0123456789abcdef0123456789abcdef-secret".utf8)
    static let issuer = "https://auth.test"
    static let audience = "https://mcp.test/mcp"
    let now = Date(timeIntervalSince1970: 2_000_000_000)

    private func verifier(
        keys: [JWTVerifier.Key] = [.hs256(secret: Self.secret)],
        scopes: [String] = []
    ) async throws
        -> JWTVerifier
    {
        try await JWTVerifier.make(issuer: Self.issuer, audience: Self.audience, keys: keys, requiredScopes: scopes)
    }

    private func token(
        key: JWTMinter.Key = .hs256(secret: Self.secret),
        issuer: String = Self.issuer,
        audience: String = Self.audience,
        subject: String = "claude",
        scopes: [String] = [],
        lifetime: TimeInterval = 600,
        at: Date? = nil
    ) async throws -> String {
        try await JWTMinter.mint(
            key: key,
            issuer: issuer,
            audience: audience,
            subject: subject,
            scopes: scopes,
            lifetime: lifetime,
            now: at ?? now
        )
    }

    private func refusal(_ verifier: JWTVerifier, _ token: String, at: Date? = nil) async -> AuthenticationError? {
        do {
            _ = try await verifier.verify(token, now: at ?? now)
            return nil
        } catch {
            return error
        }
    }

    @Test func aGoodTokenProvesItsSubjectAndScopes() async throws {
        let verified = try await verifier().verify(try await token(scopes: ["mcp", "files"]), now: now)
        #expect(verified == VerifiedToken(subject: "claude", scopes: ["mcp", "files"]))
    }

    @Test func anES256TokenVerifiesWithItsPublicKey() async throws {
        let key = P256.Signing.PrivateKey()
        let verifier = try await verifier(keys: [.publicKeyPEM(key.publicKey.pemRepresentation)])
        #expect(verifier.algorithms == ["ES256"])
        let verified = try await verifier.verify(try await token(key: .privateKeyPEM(key.pemRepresentation)), now: now)
        #expect(verified.subject == "claude")
    }

    @Test func expiredNotYetValidWrongIssuerAndWrongAudienceAreRefused() async throws {
        let verifier = try await verifier()
        let cases = [
            try await token(lifetime: 60, at: now.addingTimeInterval(-3600)),  // expired an hour ago
            try await token(at: now.addingTimeInterval(3600)),  // nbf in an hour
            try await token(issuer: "https://evil.test"),
            try await token(audience: "https://other.test/mcp"),
        ]
        for token in cases {
            #expect(await refusal(verifier, token)?.code == .invalidCredentials)
        }
    }

    @Test func theLeewayForgivesASmallClockSkew() async throws {
        let verifier = try await verifier()
        // Expired 30 s ago, valid from 30 s on: both within the 60 s leeway.
        #expect(await refusal(verifier, try await token(lifetime: 60, at: now.addingTimeInterval(-90))) == nil)
        #expect(await refusal(verifier, try await token(at: now.addingTimeInterval(30))) == nil)
    }

    @Test func anAlgorithmWithoutAKeyIsRefusedUnverified() async throws {
        // An HS256 token against a server with only an ES256 key: nothing may verify it.
        let key = P256.Signing.PrivateKey()
        let verifier = try await verifier(keys: [.publicKeyPEM(key.publicKey.pemRepresentation)])
        let error = await refusal(verifier, try await token())
        #expect(error?.code == .invalidCredentials)
        #expect(error?.message.contains("HS256") == true)
    }

    @Test func algNoneAndCritAreRefused() async throws {
        let verifier = try await verifier()
        let payload = Data(
            #"{"iss":"https://auth.test","aud":"https://mcp.test/mcp","sub":"claude","exp":2000000600}"#.utf8
        )
        func part(_ text: String) -> String { Self.base64URL(Data(text.utf8)) }
        let none = part(#"{"alg":"none"}"#) + "." + Self.base64URL(payload) + "."
        #expect(await refusal(verifier, none)?.code == .invalidCredentials)
        let real = try await token()
        let crit =
            part(#"{"alg":"HS256","crit":["x"]}"#) + "." + real.split(separator: ".")[1] + "."
            + real.split(separator: ".")[2]
        #expect(await refusal(verifier, crit)?.code == .invalidCredentials)
    }

    @Test func aTamperedPayloadOrSignatureIsRefused() async throws {
        let verifier = try await verifier()
        let parts = try await token().split(separator: ".").map(String.init)
        let otherPayload = Self.base64URL(
            Data(#"{"iss":"https://auth.test","aud":"https://mcp.test/mcp","sub":"admin","exp":2000000600}"#.utf8)
        )
        #expect(await refusal(verifier, parts[0] + "." + otherPayload + "." + parts[2])?.code == .invalidCredentials)
        #expect(await refusal(verifier, parts[0] + "." + parts[1] + ".AAAA")?.code == .invalidCredentials)
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "..", "%%%.%%%.%%%"])
    func aMalformedTokenIsRefused(token: String) async throws {
        #expect(await refusal(try await verifier(), token)?.code == .invalidCredentials)
    }

    /// Review 13, finding 3: the peer's `alg` never reaches the audit record unbounded.
    @Test func anUnknownAlgIsNotQuotedInTheRefusal() async throws {
        let header = Self.base64URL(Data(#"{"alg":"\#(String(repeating: "X", count: 5000))"}"#.utf8))
        let error = await refusal(try await verifier(), header + ".e30.c2ln")
        #expect(error?.message == "no key verifies tokens signed with an unsupported alg")
    }

    @Test func anOversizedTokenIsRefusedUnparsed() async throws {
        let huge = String(repeating: "a", count: JWTVerifier.maximumTokenBytes + 1)
        #expect(await refusal(try await verifier(), huge)?.message == "the token is too large")
    }

    @Test func aMissingRequiredScopeIsInsufficientScope() async throws {
        let verifier = try await verifier(scopes: ["mcp:tools"])
        #expect(await refusal(verifier, try await token(scopes: ["other"]))?.code == .insufficientScope)
        #expect(await refusal(verifier, try await token(scopes: ["mcp:tools", "x"])) == nil)
    }

    @Test func aRememberedTokenStillExpires() async throws {
        let verifier = try await verifier()
        let token = try await token(lifetime: 120)
        #expect(await refusal(verifier, token) == nil)
        #expect(await refusal(verifier, token) == nil)  // from the cache
        #expect(await refusal(verifier, token, at: now.addingTimeInterval(3600))?.code == .invalidCredentials)
    }

    @Test func aShortSecretOrAnUnreadableKeyIsRefusedAtStart() async {
        await #expect(throws: AuthenticationError.self) {
            _ = try await JWTVerifier.make(issuer: "i", audience: "a", keys: [.hs256(secret: [1, 2, 3])])
        }
        await #expect(throws: AuthenticationError.self) {
            _ = try await JWTVerifier.make(issuer: "i", audience: "a", keys: [.publicKeyPEM("not a key")])
        }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
