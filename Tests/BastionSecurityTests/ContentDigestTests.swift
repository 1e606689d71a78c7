import Testing

@testable import BastionSecurity

/// RFC 9530 `Content-Digest` checks (ContentDigest.swift), with the RFC's example digests.
struct ContentDigestTests {
    /// RFC 9530 §2 and Appendix B: the content `{"hello": "world"}` and its digests.
    static let body = Array(#"{"hello": "world"}"#.utf8)
    static let sha256 = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    static let sha512 =
        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"

    @Test(arguments: [sha256, sha256 + ", " + sha512, sha512 + ", " + sha256, "md5=:AAAA:, " + sha256, sha256 + ";x=1"])
    func theRFCsDigestsMatch(field: String) throws {
        try ContentDigest.verify(field: field, body: Self.body)
    }

    @Test func theSHA256FieldIsTheRFCs() {
        #expect(ContentDigest.sha256Field(for: Self.body) == Self.sha256)
        #expect(ContentDigest.sha256Field(for: []) == "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")
    }

    @Test func aTamperedBodyIsRefused() throws {
        var body = Self.body
        body[3] ^= 0x20
        #expect(throws: ContentDigest.Refusal.mismatch) { try ContentDigest.verify(field: Self.sha256, body: body) }
        #expect(throws: ContentDigest.Refusal.mismatch) { try ContentDigest.verify(field: Self.sha256, body: []) }
    }

    @Test func aWrongSHA512IsRefusedEvenBesideARightSHA256() throws {
        let wrong = "sha-512=:" + String(repeating: "A", count: 86) + "==:"
        #expect(throws: ContentDigest.Refusal.mismatch) {
            try ContentDigest.verify(field: Self.sha256 + ", " + wrong, body: Self.body)
        }
    }

    @Test(arguments: [sha512, "md5=:AAAA:", "", "sha-256"])
    func aDigestWithoutSHA256IsRefused(field: String) throws {
        let error = try #require(throws: ContentDigest.Refusal.self) {
            try ContentDigest.verify(field: field, body: Self.body)
        }
        #expect(error == (field == "sha-256" ? .malformed : .missingSHA256))
    }

    @Test(arguments: [
        "sha-256=X48E9q", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE:", "sha-256=(:AAAA:)", "sha-256=:@@@@:",
        "=:AAAA:", "sha-256=:AAAA:,",
    ])
    func aMalformedDigestIsRefused(field: String) throws {
        #expect(throws: ContentDigest.Refusal.malformed) { try ContentDigest.verify(field: field, body: Self.body) }
    }
}
