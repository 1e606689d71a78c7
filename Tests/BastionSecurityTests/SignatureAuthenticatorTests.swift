import BastionProtocol
import Testing

@testable import BastionSecurity

/// Signed requests under Bastion's profile (SignatureAuthenticator.swift): what is accepted, and
/// every way a request is refused.
struct SignatureAuthenticatorTests {
    typealias S = SignedRequests
    static let now: Int64 = 1_750_000_000
    static let claudeKey = S.Key.newEd25519()
    static let hmacKey = S.Key.hmac(Array(0..<32))

    static func client(_ id: String, _ key: SignatureKey?) -> ClientManager.Client {
        ClientManager.Client(
            id: id,
            rules: PermissionManager.ClientRules(permissions: [], deny: [], workdir: "/tmp/\(id)", home: "/home/ada"),
            limits: ResourceLimits(),
            signatureKey: key
        )
    }

    let authenticator: SignatureAuthenticator

    init() {
        self.init(nonces: NonceCache())
    }

    init(nonces: NonceCache) {
        authenticator = SignatureAuthenticator(
            clients: [
                Self.client("claude", Self.claudeKey.configured), Self.client("mac", Self.hmacKey.configured),
                Self.client("plain", nil),
            ],
            nonces: nonces,
            now: { Self.now }
        )
    }

    /// A profile request signed by `claude` (or as told).
    static func signed(
        _ request: SignedHTTPRequest = S.request(),
        key: S.Key = claudeKey,
        keyID: String = "claude",
        alg: String = "ed25519",
        created: Int64 = now,
        nonce: String = "n-1",
        components: [String]? = nil,
        extra: [String] = [],
        label: String = "sig1"
    ) -> SignedHTTPRequest {
        var request = request
        let parameters = S.parameters(created: created, keyID: keyID, alg: alg, nonce: nonce) + extra
        S.sign(&request, key: key, components: components, parameters: parameters, label: label)
        return request
    }

    func refusal(_ request: SignedHTTPRequest) throws -> AuthenticationError {
        try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(.signedRequest(request), transport: "http")
        }
    }

    // MARK: Accepted

    @Test func anEd25519SignedRequestIsItsClient() throws {
        let identity = try authenticator.authenticate(.signedRequest(Self.signed()), transport: "http")
        #expect(identity == ClientIdentity(clientID: "claude", transport: "http", method: .httpSignature))
    }

    @Test func anHMACSignedRequestIsItsClient() throws {
        let request = Self.signed(key: Self.hmacKey, keyID: "mac", alg: "hmac-sha256")
        #expect(try authenticator.authenticate(.signedRequest(request), transport: "http").clientID == "mac")
    }

    @Test func aHandshakeRequestWithoutBodyOrProtocolVersionNeedsOnlyMethodAndTarget() throws {
        var request = S.request(body: "")
        request.fields.removeAll { $0.name == "mcp-protocol-version" }
        let signed = Self.signed(request, components: ["@method", "@target-uri"])
        #expect(try authenticator.authenticate(.signedRequest(signed), transport: "http").clientID == "claude")
    }

    @Test(arguments: [Self.now - 300, Self.now + 300])
    func createdAtTheEdgesOfTheWindowIsAccepted(created: Int64) throws {
        let request = Self.signed(created: created, extra: ["expires=\(Self.now)"])
        #expect(try authenticator.authenticate(.signedRequest(request), transport: "http").clientID == "claude")
    }

    @Test func otherLabelsAreIgnored() throws {
        var request = Self.signed(key: Self.hmacKey, keyID: "mac", alg: "hmac-sha256", label: "proxy")
        request = Self.signed(request, components: S.profileComponents(S.request()))
        request.fields.append(.init(name: "signature", value: "zz=:AAAA:"))
        #expect(try authenticator.authenticate(.signedRequest(request), transport: "http").clientID == "claude")
    }

    @Test func aRefusedSignatureDoesNotBurnItsNonce() throws {
        var forged = Self.signed()
        forged.fields[forged.fields.count - 1].value = "sig1=:" + String(repeating: "A", count: 86) + "==:"
        #expect(try refusal(forged).code == .invalidCredentials)
        #expect(try authenticator.authenticate(.signedRequest(Self.signed()), transport: "http").clientID == "claude")
    }

    /// Signed by tests/interop/http_signing.py (RFC 9421 B.1.4's key as `claude`): the two
    /// implementations build their signature bases independently.
    @Test func aRequestSignedByThePythonSignerIsAccepted() throws {
        let authenticator = SignatureAuthenticator(
            clients: [Self.client("claude", S.Key.rfcEd25519.configured)],
            now: { Self.now + 10 }
        )
        var request = SignedHTTPRequest(
            method: "POST",
            targetURI: "https://bastion.example:8443/mcp",
            fields: [
                .init(name: "host", value: "bastion.example:8443"),
                .init(name: "mcp-protocol-version", value: "2025-06-18"),
                .init(name: "content-type", value: "application/json"),
                .init(name: "content-length", value: "40"),
                .init(name: "content-digest", value: "sha-256=:mOCWGnwSMvCNLyGH0TxKGiKgZB4A5d7A7KZF1kYHf6s=:"),
                .init(
                    name: "signature-input",
                    value: #"sig1=("@method" "@target-uri" "content-digest" "mcp-protocol-version")"#
                        + #";created=1750000000;keyid="claude";alg="ed25519";nonce="py-1""#
                ),
                .init(
                    name: "signature",
                    value:
                        "sig1=:dCZJQtXVXn8JeL2jbqjIv4gkOqbvtPr3hEPO0hUyO+HAyIkYctg5B1GdUTn0puRuMX++j17uVq8IYdg+s8kpCQ==:"
                ),
            ],
            body: Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8)
        )
        #expect(try authenticator.authenticate(.signedRequest(request), transport: "http").clientID == "claude")
        request.fields[1].value = "2025-03-26"
        #expect(throws: AuthenticationError.self) {
            try authenticator.authenticate(.signedRequest(request), transport: "http")
        }
    }

    // MARK: Replays and times

    @Test func theSameNonceTwiceIsAReplay() throws {
        _ = try authenticator.authenticate(.signedRequest(Self.signed()), transport: "http")
        let replay = try refusal(Self.signed())
        #expect(replay.code == .invalidCredentials)
        #expect(replay.message.contains("replay"))
        let other = Self.signed(S.request(body: #"{"id":2}"#))
        #expect(try refusal(other).message.contains("replay"))
    }

    @Test(arguments: [Self.now - 301, Self.now + 301, 0])
    func aCreatedOutsideTheWindowIsRefused(created: Int64) throws {
        #expect(try refusal(Self.signed(created: created)).code == .invalidCredentials)
    }

    @Test func aPastExpiresIsRefused() throws {
        let error = try refusal(Self.signed(extra: ["expires=\(Self.now - 1)"]))
        #expect(error.message.contains("expired"))
    }

    @Test(arguments: ["created", "keyid", "nonce", "alg"])
    func aMissingParameterIsRefused(missing: String) throws {
        var request = S.request()
        let parameters = S.parameters(created: Self.now, keyID: "claude", alg: "ed25519", nonce: "n")
            .filter { !$0.hasPrefix(missing + "=") }
        S.sign(&request, key: Self.claudeKey, parameters: parameters)
        #expect(try refusal(request).code == .invalidCredentials)
    }

    @Test(arguments: [
        "created=\"1\"", "created=-1", "created=1.5", "expires=\"x\"", "nonce=1", "keyid=claude", "alg=ed25519",
    ])
    func aParameterOfTheWrongTypeIsRefused(parameter: String) throws {
        var request = S.request()
        let name = String(parameter.prefix { $0 != "=" })
        let parameters =
            S.parameters(created: Self.now, keyID: "claude", alg: "ed25519", nonce: "n")
            .filter { !$0.hasPrefix(name + "=") } + [parameter]
        S.sign(&request, key: Self.claudeKey, parameters: parameters)
        #expect(try refusal(request).code == .invalidCredentials)
    }

    @Test func anOverlongNonceIsRefused() throws {
        #expect(try refusal(Self.signed(nonce: String(repeating: "n", count: 257))).code == .invalidCredentials)
        #expect(throws: Never.self) {
            try authenticator.authenticate(
                .signedRequest(Self.signed(nonce: String(repeating: "n", count: 256))),
                transport: "http"
            )
        }
    }

    // MARK: Keys

    @Test(arguments: ["nobody", "plain", "Claude"])
    func aKeyidOfNoSigningClientIsRefused(keyID: String) throws {
        #expect(try refusal(Self.signed(keyID: keyID)).code == .unknownClient)
    }

    @Test func anAlgOtherThanTheKeysIsRefused() throws {
        #expect(try refusal(Self.signed(alg: "hmac-sha256")).code == .invalidCredentials)
        #expect(try refusal(Self.signed(key: Self.hmacKey, keyID: "mac", alg: "ed25519")).code == .invalidCredentials)
        #expect(try refusal(Self.signed(alg: "rsa-pss-sha512")).code == .invalidCredentials)
    }

    @Test func anotherClientsKeyDoesNotSignForThisOne() throws {
        #expect(try refusal(Self.signed(key: S.Key.newEd25519())).message.contains("does not verify"))
        #expect(
            try refusal(Self.signed(key: .hmac(Array(1...32)), keyID: "mac", alg: "hmac-sha256"))
                .message.contains("does not verify")
        )
    }

    // MARK: Coverage and tampering

    @Test func aTamperedBodyIsRefused() throws {
        var request = Self.signed()
        request.body[3] ^= 1
        #expect(try refusal(request).message.contains("Content-Digest does not match"))
    }

    @Test func aTamperedDigestAndBodyIsRefused() throws {
        var request = Self.signed()
        request.body = Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#.utf8)
        let index = try #require(request.fields.firstIndex { $0.name == "content-digest" })
        request.fields[index].value = ContentDigest.sha256Field(for: request.body)
        #expect(try refusal(request).message.contains("does not verify"))
    }

    @Test(arguments: ["content-digest", "mcp-protocol-version", "@method", "@target-uri"])
    func aRequiredComponentLeftUncoveredIsRefused(component: String) throws {
        let request = S.request()
        let signed = Self.signed(request, components: S.profileComponents(request).filter { $0 != component })
        #expect(try refusal(signed).message.contains("\"\(component)\" is not covered"))
    }

    @Test func aSessionIdLeftUncoveredIsRefused() throws {
        var request = S.request()
        request.fields.append(.init(name: "mcp-session-id", value: "s-1"))
        let signed = Self.signed(request, components: S.profileComponents(request).filter { $0 != "mcp-session-id" })
        #expect(try refusal(signed).message.contains("\"mcp-session-id\" is not covered"))
    }

    @Test func aSignedSessionIdIsAccepted() throws {
        var request = S.request()
        request.fields.append(.init(name: "mcp-session-id", value: "s-1"))
        let identity = try authenticator.authenticate(.signedRequest(Self.signed(request)), transport: "http")
        #expect(identity.clientID == "claude")
    }

    /// Review 14, finding 9: a forger's request is refused on its signature before the server
    /// hashes its body.
    @Test func aForgedSignatureIsRefusedBeforeTheDigestIsChecked() throws {
        var request = Self.signed(key: S.Key.newEd25519())
        request.body[3] ^= 1
        #expect(try refusal(request).message.contains("does not verify"))
    }

    @Test func aBodyWithoutAContentDigestFieldIsRefused() throws {
        var request = S.request()
        request.fields.removeAll { $0.name == "content-digest" }
        #expect(
            try refusal(Self.signed(request, components: ["@method", "@target-uri", "mcp-protocol-version"]))
                .message.contains("\"content-digest\" is not covered")
        )
    }

    @Test(arguments: [
        ("GET", "https://bastion.example:8443/mcp"), ("POST", "https://bastion.example:8443/admin"),
        ("POST", "https://other.example:8443/mcp"), ("POST", "https://bastion.example:8443/mcp?x"),
    ])
    func aSignatureOverAnotherMethodOrTargetIsRefused(method: String, target: String) throws {
        var request = Self.signed()
        request.method = method
        request.targetURI = target
        #expect(try refusal(request).message.contains("does not verify"))
    }

    @Test func aChangedProtocolVersionIsRefused() throws {
        var request = Self.signed()
        let index = try #require(request.fields.firstIndex { $0.name == "mcp-protocol-version" })
        request.fields[index].value = "2024-11-05"
        #expect(try refusal(request).message.contains("does not verify"))
    }

    // MARK: Malformed and oversized

    @Test(
        arguments: [
            ("sig1=(\"@method\"", nil), ("sig1=\"@method\";created=1", nil), ("sig1", nil), ("sig1=();created=", nil),
            (nil, "sig1=AAAA"), (nil, "sig1=:!!!!:"), (nil, "sig1=(:AAAA:)"), (nil, "sig1=::"), (nil, "sig1=:AAAA"),
        ] as [(String?, String?)]
    )
    func aMalformedSignatureInputOrSignatureIsRefused(input: String?, signature: String?) throws {
        var request = Self.signed()
        for (name, value) in [("signature-input", input), ("signature", signature)] {
            guard let value, let index = request.fields.firstIndex(where: { $0.name == name }) else { continue }
            request.fields[index].value = value
        }
        #expect(try refusal(request).code == .invalidCredentials)
    }

    @Test func aRequestWithoutSig1IsRefused() throws {
        let request = Self.signed(label: "sig2")
        #expect(try refusal(request).message.contains("no sig1"))
        var unsigned = S.request()
        #expect(try refusal(unsigned).message.contains("no signature-input"))
        unsigned = Self.signed()
        unsigned.fields.removeAll { $0.name == "signature" }
        #expect(try refusal(unsigned).message.contains("no signature field"))
    }

    @Test func anOversizedFieldIsRefusedBeforeParsing() throws {
        let padding = String(repeating: "x", count: 8 << 10)
        var request = Self.signed()
        request.fields.append(.init(name: "signature-input", value: "pad=\"\(padding)\""))
        #expect(try refusal(request).message.contains("longer than"))
        request = Self.signed()
        request.fields.append(.init(name: "signature", value: "pad=:\(padding):"))
        #expect(try refusal(request).message.contains("longer than"))
    }

    @Test func moreThan32ComponentsAreRefused() throws {
        var request = S.request()
        for index in 0..<29 { request.fields.append(.init(name: "x-\(index)", value: "v")) }
        let components = S.profileComponents(request) + (0..<29).map { "x-\($0)" }
        #expect(components.count == 33)
        #expect(try refusal(Self.signed(request, components: components)).message.contains("more than 32"))
        #expect(throws: Never.self) {
            try authenticator.authenticate(
                .signedRequest(Self.signed(request, components: Array(components.dropLast()))),
                transport: "http"
            )
        }
    }

    @Test func aFullNonceCacheRefusesTheRequest() throws {
        let authenticator = Self(nonces: NonceCache(perKeyLimit: 2)).authenticator
        for nonce in ["a", "b"] {
            _ = try authenticator.authenticate(.signedRequest(Self.signed(nonce: nonce)), transport: "http")
        }
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(.signedRequest(Self.signed(nonce: "c")), transport: "http")
        }
        #expect(error.message.contains("too many live nonces"))
    }

    @Test func otherCredentialsAreNotThisAuthenticators() throws {
        let error = try refusalOf(.bearerToken("t"))
        #expect(error.code == .unsupportedCredentials)
    }

    @Test func messagesNeverQuoteTheSignatureOrKey() throws {
        var request = Self.signed()
        request.body[0] ^= 1
        let signature = try #require(request.fields.last?.value)
        let shown = String(signature.dropFirst(6).prefix(20))
        for candidate in [request, Self.signed(key: S.Key.newEd25519()), Self.signed(alg: "hmac-sha256")] {
            let message = try refusal(candidate).message
            #expect(!message.contains(shown))
            #expect(!message.contains(Self.claudeKey.configured.description.dropFirst(8).prefix(20)))
        }
    }

    private func refusalOf(_ credentials: TransportCredentials) throws -> AuthenticationError {
        try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(credentials, transport: "http")
        }
    }
}
