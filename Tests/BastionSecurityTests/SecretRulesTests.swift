import Testing

@testable import BastionSecurity

struct SecretRulesTests {
    /// The range `next` reports in `text`, as text.
    private func firstSecret(in text: String) -> String? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            SecretRules.next(in: buffer, from: 0).map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    @Test func aCleanStringHasNoSecret() {
        #expect(firstSecret(in: "list the files in /srv/projects, then run git status") == nil)
    }

    @Test(arguments: [
        ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz012345"),
        ("key ghp_abcdefghijklmnopqrstuvwxyz0123456789 end", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("id=AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP"),
    ])
    func aSecretIsFoundWhereItStands(text: String, secret: String) throws {
        let found = try #require(firstSecret(in: text))
        #expect(found.contains(secret) || secret.contains(found))
        #expect(!found.isEmpty)
    }

    @Test func secretNamesAreRecognizedAtTheEndOfAName() {
        let bytes = Array("db_password".utf8)
        let isSecret = bytes.withUnsafeBufferPointer { SecretRules.endsWithSecretName($0, end: $0.count) }
        #expect(isSecret)
        let plain = Array("db_host".utf8)
        #expect(!plain.withUnsafeBufferPointer { SecretRules.endsWithSecretName($0, end: $0.count) })
    }
}
