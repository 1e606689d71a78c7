import BastionProtocol

/// What a sealed `requestState` binds (2026-07-28, basic/patterns/mrtr.mdx, server requirement 5):
/// the principal, the originating request (method, target and a digest of the arguments), what
/// the person was shown, a short lifetime and a single-use nonce.
package struct RequestStateClaims: Sendable, Hashable {
    /// The client it was issued to.
    package var client: String
    /// The method of the request it belongs to (`tools/call`).
    package var method: String
    /// The tool name or resource URI of that request.
    package var target: String
    /// SHA-256 of the request's arguments in canonical JSON (sorted keys), hex.
    package var argumentsDigest: String
    /// SHA-256 of what the person was asked, hex: the answer is worth only as much as the question.
    package var shownDigest: String
    /// SHA-256 of what the question was computed from (the identity and content of the file a
    /// change is previewed against), hex; the digest of nothing when the question has no basis.
    /// Equal text is not enough: two states of a file can read the same in a preview.
    package var basisDigest: String
    /// Seconds since the epoch when it was issued.
    package var issuedAt: Int64
    /// Seconds since the epoch after which it is refused.
    package var expiresAt: Int64
    /// The random single-use identifier the server keeps until the state is used or expires.
    package var nonce: String

    /// Creates claims.
    package init(
        client: String,
        method: String,
        target: String,
        argumentsDigest: String,
        shownDigest: String,
        basisDigest: String,
        issuedAt: Int64,
        expiresAt: Int64,
        nonce: String
    ) {
        self.client = client
        self.method = method
        self.target = target
        self.argumentsDigest = argumentsDigest
        self.shownDigest = shownDigest
        self.basisDigest = basisDigest
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.nonce = nonce
    }

    /// The claims as the JSON object that is sealed (short keys: the state travels on every retry).
    var json: JSONValue {
        [
            "v": 1, "c": .string(client), "m": .string(method), "t": .string(target), "a": .string(argumentsDigest),
            "s": .string(shownDigest), "b": .string(basisDigest), "iat": .int(issuedAt), "exp": .int(expiresAt),
            "n": .string(nonce),
        ]
    }

    /// Claims read back from an opened seal; `nil` unless every member is there with its type.
    init?(json: JSONValue) {
        guard json["v"] == 1,
            case .string(let client)? = json["c"], case .string(let method)? = json["m"],
            case .string(let target)? = json["t"], case .string(let arguments)? = json["a"],
            case .string(let shown)? = json["s"], case .string(let basis)? = json["b"],
            case .int(let issuedAt)? = json["iat"],
            case .int(let expiresAt)? = json["exp"], case .string(let nonce)? = json["n"]
        else { return nil }
        self.init(
            client: client,
            method: method,
            target: target,
            argumentsDigest: arguments,
            shownDigest: shown,
            basisDigest: basis,
            issuedAt: issuedAt,
            expiresAt: expiresAt,
            nonce: nonce
        )
    }
}
