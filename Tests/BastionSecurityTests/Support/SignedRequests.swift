import BastionProtocol
import Crypto
import Foundation

@testable import BastionSecurity

/// RFC 9421 Appendix B's keys and request, and a small signer for Bastion's profile that builds
/// the signature base on its own (not with ``SignatureBase``), so the two can disagree.
enum SignedRequests {
    /// B.1.5 `test-shared-secret`.
    static let rfcSharedSecret =
        "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="
    /// B.1.4 `test-key-ed25519`: the raw public key (the last 32 bytes of the RFC's SPKI).
    static let rfcEd25519PublicKey = "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="
    /// B.1.4's private key: the raw seed (the last 32 bytes of the RFC's PKCS #8).
    static let rfcEd25519Seed = "n4Ni+HpISpVObnQMW0wOhCKROaIKqKtW/2ZYb2p9KcU="

    /// B.2's example request: `POST /foo?param=Value&Pet=dog` to example.com.
    static let rfcRequest = SignedHTTPRequest(
        method: "POST",
        targetURI: "https://example.com/foo?param=Value&Pet=dog",
        fields: [
            .init(name: "host", value: "example.com"),
            .init(name: "date", value: "Tue, 20 Apr 2021 02:07:55 GMT"),
            .init(name: "content-type", value: "application/json"),
            .init(
                name: "content-digest",
                value:
                    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
            ),
            .init(name: "content-length", value: "18"),
        ],
        body: Array(#"{"hello": "world"}"#.utf8)
    )

    /// A signing key.
    enum Key {
        case ed25519(Curve25519.Signing.PrivateKey)
        case hmac([UInt8])

        /// The RFC's Ed25519 test key.
        static var rfcEd25519: Key {
            .ed25519(try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: rfcEd25519Seed)!))
        }

        /// A fresh Ed25519 key.
        static func newEd25519() -> Key { .ed25519(Curve25519.Signing.PrivateKey()) }

        /// The `auth.signature_key` of this key.
        var configured: SignatureKey {
            switch self {
            case .ed25519(let key):
                return try! SignatureKey(parsing: "ed25519:" + key.publicKey.rawRepresentation.base64EncodedString())
            case .hmac(let secret):
                return try! SignatureKey(parsing: "hmac-sha256:" + Data(secret).base64EncodedString())
            }
        }

        func sign(_ base: [UInt8]) -> [UInt8] {
            switch self {
            case .ed25519(let key): return Array(try! key.signature(for: base))
            case .hmac(let secret):
                return Array(HMAC<SHA256>.authenticationCode(for: base, using: SymmetricKey(data: secret)))
            }
        }
    }

    /// A request of the profile: a POST with a JSON-RPC body and an `mcp-protocol-version`.
    static func request(body: String = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#) -> SignedHTTPRequest {
        var fields: [SignedHTTPRequest.Field] = [
            .init(name: "host", value: "bastion.example:8443"),
            .init(name: "content-type", value: "application/json"),
            .init(name: "mcp-protocol-version", value: "2025-06-18"),
        ]
        if !body.isEmpty {
            fields.append(.init(name: "content-digest", value: ContentDigest.sha256Field(for: Array(body.utf8))))
        }
        return SignedHTTPRequest(
            method: "POST",
            targetURI: "https://bastion.example:8443/mcp",
            fields: fields,
            body: Array(body.utf8)
        )
    }

    /// The profile's components, as present on `request`.
    static func profileComponents(_ request: SignedHTTPRequest) -> [String] {
        ["@method", "@target-uri", "content-digest", "mcp-protocol-version", "mcp-session-id"].filter { name in
            name.hasPrefix("@") || request.fields.contains { $0.name == name }
        }
    }

    /// Signs `request` in place: appends `Signature-Input` and `Signature` under `label`.
    /// `parameters` are written in order, already serialized (`created=1`, `keyid="claude"`).
    static func sign(
        _ request: inout SignedHTTPRequest,
        key: Key,
        components: [String]? = nil,
        parameters: [String],
        label: String = "sig1"
    ) {
        let covered = components ?? profileComponents(request)
        let inner =
            "(" + covered.map { "\"\($0)\"" }.joined(separator: " ") + ")"
            + parameters.map { ";" + $0 }.joined()
        var lines = covered.map { "\"\($0)\": \(value(of: $0, in: request))" }
        lines.append("\"@signature-params\": \(inner)")
        let signature = key.sign(Array(lines.joined(separator: "\n").utf8))
        request.fields.append(.init(name: "signature-input", value: "\(label)=\(inner)"))
        request.fields.append(.init(name: "signature", value: "\(label)=:\(Data(signature).base64EncodedString()):"))
    }

    /// The usual parameters: `created`, `keyid`, `alg`, `nonce`.
    static func parameters(created: Int64, keyID: String, alg: String, nonce: String) -> [String] {
        ["created=\(created)", "keyid=\"\(keyID)\"", "alg=\"\(alg)\"", "nonce=\"\(nonce)\""]
    }

    private static func value(of name: String, in request: SignedHTTPRequest) -> String {
        switch name {
        case "@method": return request.method
        case "@target-uri": return request.targetURI
        default:
            return request.fields.filter { $0.name == name }.map(\.value).joined(separator: ", ")
        }
    }
}
