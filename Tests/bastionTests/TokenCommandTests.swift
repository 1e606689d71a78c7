import Foundation
import Testing

@testable import bastion

/// `bastion token` run as a person would (TokenCommand.swift, TokenKeys.swift).
struct TokenCommandTests {
    private func config(_ scratch: borrowing ScratchDirectory, subject: String? = "claude-sub") throws -> String {
        try "0123456789abcdef0123456789abcdef\n".write(
            toFile: scratch.path + "/jwt.secret",
            atomically: true,
            encoding: .utf8
        )
        let auth = subject.map { "auth = { jwt_subject = \"\($0)\" }" } ?? ""
        let text = """
            [auth.jwt]
            issuer = "https://auth.test"
            audience = "https://mcp.test/mcp"
            hs256_secret_file = "jwt.secret"

            [[clients]]
            id = "claude"
            \(auth)
            """
        try text.write(toFile: scratch.path + "/bastion.toml", atomically: true, encoding: .utf8)
        return scratch.path + "/bastion.toml"
    }

    @Test func aTokenCarriesTheClaimsTheServerChecks() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(
            ["token", "--config", try config(scratch), "--client", "claude", "--ttl", "120"],
            home: scratch.path
        )
        #expect(output.status == 0, "\(output.stderr)")
        let parts = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".")
        #expect(parts.count == 3)
        var payload = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let data = try #require(Data(base64Encoded: payload))
        let claims = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(claims["sub"] as? String == "claude-sub")
        #expect(claims["iss"] as? String == "https://auth.test")
        #expect(
            (claims["aud"] as? [String]) == ["https://mcp.test/mcp"]
                || claims["aud"] as? String == "https://mcp.test/mcp"
        )
        let exp = try #require(claims["exp"] as? Double)
        let nbf = try #require(claims["nbf"] as? Double)
        #expect(exp - nbf == 120)
    }

    @Test func aClientWithoutASubjectOrAnUnknownClientIsRefused() async throws {
        let scratch = try ScratchDirectory()
        let path = try config(scratch, subject: nil)
        let noSubject = try await BastionBinary.run(
            ["token", "--config", path, "--client", "claude"],
            home: scratch.path
        )
        #expect(noSubject.status != 0)
        #expect(noSubject.stderr.contains("jwt_subject"))
        let unknown = try await BastionBinary.run(["token", "--config", path, "--client", "ghost"], home: scratch.path)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("ghost"))
    }

    @Test func theTTLIsBounded() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(
            ["token", "--config", try config(scratch), "--client", "claude", "--ttl", "0"],
            home: scratch.path
        )
        #expect(output.status != 0)
    }
}
