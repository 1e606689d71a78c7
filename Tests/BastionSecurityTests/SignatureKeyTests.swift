import Foundation
import Testing

@testable import BastionSecurity

/// Configured signature keys (SignatureKey.swift), with RFC 9421 Appendix B's keys and signatures.
struct SignatureKeyTests {
    /// B.2.5's signature base and signature (hmac-sha256, `test-shared-secret`).
    static let b25Base = """
        "date": Tue, 20 Apr 2021 02:07:55 GMT
        "@authority": example.com
        "content-type": application/json
        "@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"
        """
    static let b25Signature = "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8="
    /// B.2.6's (ed25519, `test-key-ed25519`).
    static let b26Base = """
        "date": Tue, 20 Apr 2021 02:07:55 GMT
        "@method": POST
        "@path": /foo
        "@authority": example.com
        "content-type": application/json
        "content-length": 18
        "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")\
        ;created=1618884473;keyid="test-key-ed25519"
        """
    static let b26Signature =
        "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="

    static func bytes(_ base64: String) -> [UInt8] { Array(Data(base64Encoded: base64)!) }

    @Test func theRFCsHMACSignatureVerifies() throws {
        let key = try SignatureKey(parsing: "hmac-sha256:" + SignedRequests.rfcSharedSecret)
        #expect(key.algorithm == .hmacSHA256)
        #expect(key.verify(signature: Self.bytes(Self.b25Signature), base: Array(Self.b25Base.utf8)))
        #expect(!key.verify(signature: Self.bytes(Self.b25Signature), base: Array((Self.b25Base + " ").utf8)))
    }

    @Test func theRFCsEd25519SignatureVerifies() throws {
        let key = try SignatureKey(parsing: "ed25519:" + SignedRequests.rfcEd25519PublicKey)
        #expect(key.algorithm == .ed25519)
        #expect(key.verify(signature: Self.bytes(Self.b26Signature), base: Array(Self.b26Base.utf8)))
        var flipped = Self.bytes(Self.b26Signature)
        flipped[10] ^= 1
        #expect(!key.verify(signature: flipped, base: Array(Self.b26Base.utf8)))
    }

    @Test func aSignatureOfTheWrongLengthOrKindFails() throws {
        let ed25519 = try SignatureKey(parsing: "ed25519:" + SignedRequests.rfcEd25519PublicKey)
        let hmac = try SignatureKey(parsing: "hmac-sha256:" + SignedRequests.rfcSharedSecret)
        #expect(!ed25519.verify(signature: Self.bytes(Self.b25Signature), base: Array(Self.b26Base.utf8)))
        #expect(!hmac.verify(signature: Self.bytes(Self.b26Signature), base: Array(Self.b25Base.utf8)))
        #expect(
            !hmac.verify(signature: Array(Self.bytes(Self.b25Signature).prefix(16)), base: Array(Self.b25Base.utf8))
        )
        #expect(!hmac.verify(signature: [], base: Array(Self.b25Base.utf8)))
    }

    @Test(
        arguments: [
            "", "ed25519", "ed25519:", "rsa:" + SignedRequests.rfcEd25519PublicKey,
            "ED25519:" + SignedRequests.rfcEd25519PublicKey, "ed25519:" + SignedRequests.rfcEd25519PublicKey + "\n",
            "ed25519:JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs=", "ed25519:AAAA",
            "ed25519:" + SignedRequests.rfcSharedSecret, "hmac-sha256:c2hvcnQ=",
            "hmac-sha256:" + String(repeating: "A", count: 4100),
        ]
    )
    func badKeysAreRefused(text: String) throws {
        let error = try #require(throws: AuthenticationError.self) { try SignatureKey(parsing: text) }
        #expect(error.code == .invalidCredentials)
        #expect(!error.message.contains("JrQL") && !error.message.contains("uzvJ"))
    }

    @Test func anHMACSecretIsNeverShown() throws {
        let key = try SignatureKey(parsing: "hmac-sha256:" + SignedRequests.rfcSharedSecret)
        var dumped = ""
        dump(key, to: &dumped)
        for shown in [key.description, String(reflecting: key), "\(key)", dumped] {
            #expect(!shown.contains("uzvJ"))
        }
        #expect(key.description == "hmac-sha256:<redacted>")
    }

    @Test func anEd25519PublicKeyIsShown() throws {
        let text = "ed25519:" + SignedRequests.rfcEd25519PublicKey
        #expect(try SignatureKey(parsing: text).description == text)
    }
}
