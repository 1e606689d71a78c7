import Crypto
import Foundation
import Testing

@testable import BastionTokens

/// Test tokens (JWTMinter.swift).
struct JWTMinterTests {
    private func header(_ token: String) throws -> [String: Any] {
        var part = String(token.split(separator: ".")[0]).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while part.count % 4 != 0 { part += "=" }
        let data = try #require(Data(base64Encoded: part))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theKeyChoosesTheAlgorithm() async throws {
        let hs = try await JWTMinter.mint(
            key: .hs256(secret: Array(repeating: 7, count: 32)),
            issuer: "i",
            audience: "a",
            subject: "s",
            lifetime: 60
        )
        #expect(try header(hs)["alg"] as? String == "HS256")
        let es = try await JWTMinter.mint(
            key: .privateKeyPEM(P256.Signing.PrivateKey().pemRepresentation),
            issuer: "i",
            audience: "a",
            subject: "s",
            lifetime: 60
        )
        #expect(try header(es)["alg"] as? String == "ES256")
        #expect(es.split(separator: ".").count == 3)
    }

    @Test func anUnknownKeyIsRefused() async {
        await #expect(throws: JWTMinter.Failure.self) {
            _ = try await JWTMinter.mint(
                key: .privateKeyPEM("nope"),
                issuer: "i",
                audience: "a",
                subject: "s",
                lifetime: 60
            )
        }
    }
}
