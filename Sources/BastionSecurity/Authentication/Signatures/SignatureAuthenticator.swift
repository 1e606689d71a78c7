public import BastionProtocol
import Glibc

/// HTTP message signatures (RFC 9421) under Bastion's profile (ARCHITECTURE §7): the `sig1`
/// signature of a request, by the key of the client its `keyid` names.
///
/// The profile: `sig1` covers at least `"@method"` and `"@target-uri"`, `"content-digest"`
/// (RFC 9530, `sha-256`) whenever there is a body, and `"mcp-protocol-version"` and
/// `"mcp-session-id"` whenever the request has those headers; its parameters are `created` (within ±``window`` seconds of now),
/// `keyid` (the client id), `alg` (the client's key type) and `nonce`, and `expires` if present
/// must not be past. A `(keyid, nonce)` seen within the window is a replay.
///
/// A nonce is recorded only once the signature has verified, so no one but the key's holder can
/// use up a client's nonces. Every failure is `invalidCredentials` (HTTP 401) except an unknown
/// `keyid`, which is `unknownClient` as for an unclaimed JWT subject; messages never quote the
/// signature, the key or a digest.
public struct SignatureAuthenticator: Authenticator {
    /// The one label read; other signatures on the request are ignored.
    public static let label = "sig1"
    /// How far `created` may be from now, in seconds, and how long a nonce is remembered after it.
    public static let window: Int64 = 300

    /// The system's wall clock, in whole seconds since the epoch.
    public static let wallClock: @Sendable () -> Int64 = { Int64(time(nil)) }

    private let keys: [String: SignatureKey]
    private let nonces: NonceCache
    private let now: @Sendable () -> Int64

    /// Creates an authenticator over the clients' signature keys.
    /// - Parameters:
    ///   - clients: The configured clients; those with a ``ClientManager/Client/signatureKey`` can sign.
    ///   - nonces: The replay cache. Pass the same cache to the authenticators made after a reload,
    ///     or a request accepted before it can be replayed after it.
    ///   - now: The wall clock, in seconds since the epoch.
    public init(
        clients: [ClientManager.Client],
        nonces: NonceCache = NonceCache(),
        now: @escaping @Sendable () -> Int64 = SignatureAuthenticator.wallClock
    ) {
        var keys: [String: SignatureKey] = [:]
        for client in clients { keys[client.id] = client.signatureKey }
        self.keys = keys
        self.nonces = nonces
        self.now = now
    }

    public func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        guard case .signedRequest(let request) = credentials else {
            throw AuthenticationError(
                code: .unsupportedCredentials,
                message: "signature authentication accepts only a signed request, not \(credentials.kindName)"
            )
        }
        let input = try SignatureInput(request, label: Self.label)
        let current = now()
        try Self.checkTimes(input, now: current)
        guard let key = keys[input.keyID] else {
            throw AuthenticationError(
                code: .unknownClient,
                message: "no client has an auth.signature_key for keyid \"\(input.keyID)\""
            )
        }
        guard input.algorithm == key.algorithm.rawValue else {
            throw .signatureRefused(
                "the alg parameter is not the \(key.algorithm.rawValue) of keyid \"\(input.keyID)\""
            )
        }
        try Self.checkCoverage(input.components, of: request)
        let base = try SignatureBase(request: request, parameters: input.parameters)
        guard key.verify(signature: input.signature, base: base.bytes) else {
            throw .signatureRefused("the signature does not verify with the key of keyid \"\(input.keyID)\"")
        }
        // Only a verified signature gets the body hashed (review 14, finding 9): a forger cannot
        // make the server hash megabytes for free.
        if input.components.contains("content-digest") {  // path-bytes: component names
            try Self.checkDigest(of: request)
        }
        let forgetAt = min(input.created + Self.window, input.expires ?? .max)
        switch nonces.record(nonce: input.nonce, keyID: input.keyID, expiresAt: forgetAt, now: current) {
        case .fresh: return ClientIdentity(clientID: input.keyID, transport: transport, method: .httpSignature)
        case .replayed: throw .signatureRefused("keyid \"\(input.keyID)\" already used this nonce (replay)")
        case .full: throw .signatureRefused("keyid \"\(input.keyID)\" has too many live nonces")
        }
    }

    private static func checkTimes(_ input: SignatureInput, now: Int64) throws(AuthenticationError) {
        guard input.created <= now + window else { throw .signatureRefused("created is in the future") }
        guard input.created >= now - window else { throw .signatureRefused("created is too old") }
        if let expires = input.expires, expires < now { throw .signatureRefused("the signature has expired") }
    }

    /// The components the profile requires to be covered.
    private static func checkCoverage(_ components: [String], of request: SignedHTTPRequest) throws(AuthenticationError)
    {
        var required = ["@method", "@target-uri"]
        if !request.body.isEmpty { required.append("content-digest") }
        // A session id must be signed too (review 14, finding 10), or a signed request could be
        // moved onto another session of the same client.
        for name in ["mcp-protocol-version", "mcp-session-id"] where request.fields.contains(where: { $0.name == name })
        {
            required.append(name)
        }
        for name in required where !components.contains(name) {
            throw .signatureRefused("\"\(name)\" is not covered")
        }
    }

    private static func checkDigest(of request: SignedHTTPRequest) throws(AuthenticationError) {
        // The base was built, so the field is present.
        let field = request.fields.filter { $0.name == "content-digest" }.map(\.value).joined(separator: ", ")
        do {
            try ContentDigest.verify(field: field, body: request.body)
        } catch {
            switch error {
            case .malformed: throw .signatureRefused("Content-Digest is malformed")
            case .missingSHA256: throw .signatureRefused("Content-Digest has no sha-256")
            case .mismatch: throw .signatureRefused("Content-Digest does not match the body")
            }
        }
    }
}
