import BastionProtocol
import Testing

@testable import BastionSecurity

struct RequestStateClaimsTests {
    static let claims = RequestStateClaims(
        client: "claude",
        method: "tools/call",
        target: "write_file",
        argumentsDigest: "ab",
        shownDigest: "cd",
        basisDigest: "ef",
        issuedAt: 10,
        expiresAt: 130,
        nonce: "00ff"
    )

    @Test func claimsSurviveTheirJSON() {
        #expect(RequestStateClaims(json: Self.claims.json) == Self.claims)
    }

    @Test(arguments: ["v", "c", "m", "t", "a", "s", "b", "iat", "exp", "n"])
    func aMissingOrMistypedMemberIsNoClaims(member: String) {
        guard case .object(var members) = Self.claims.json else { return }
        members[member] = nil
        #expect(RequestStateClaims(json: .object(members)) == nil)
        members[member] = member == "iat" || member == "exp" ? "10" : 10
        #expect(RequestStateClaims(json: .object(members)) == nil)
    }

    @Test func anotherVersionIsNoClaims() {
        guard case .object(var members) = Self.claims.json else { return }
        members["v"] = 2
        #expect(RequestStateClaims(json: .object(members)) == nil)
    }
}
