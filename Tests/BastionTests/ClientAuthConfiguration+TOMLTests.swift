import BastionSecurity
import Testing

@testable import Bastion

struct ClientAuthConfigurationTOMLTests {
    typealias Support = ConfigurationTestSupport

    @Test("auth is read as an inline table or as a sub-table")
    func readsAuth() throws {
        let inline = try Support.parse("[[clients]]\nid = \"c\"\nauth = { mtls_subject = \"CN=c\", dbus_uid = 0 }\n")
        #expect(inline.clients.first?.auth == ClientAuthConfiguration(mtlsSubject: "CN=c", dbusUID: 0))
        let table = try Support.parse("[[clients]]\nid = \"c\"\n[clients.auth]\njwt_subject = \"sub\"\n")
        #expect(table.clients.first?.auth == ClientAuthConfiguration(jwtSubject: "sub"))
    }

    @Test(
        "Bad auth values are refused at their key",
        arguments: [
            ("auth = { jwt_subject = \"\" }", "clients[0].auth.jwt_subject"),
            ("auth = { mtls_subject = \"CN=a\\u0007\" }", "clients[0].auth.mtls_subject"),
            ("auth = { dbus_uid = -1 }", "clients[0].auth.dbus_uid"),
            ("auth = { dbus_uid = 4294967295 }", "clients[0].auth.dbus_uid"),
            ("auth = { dbus_uid = \"1000\" }", "clients[0].auth.dbus_uid"),
        ]
    )
    func badValues(body: String, keyPath: String) throws {
        let error = try Support.error("[[clients]]\nid = \"c\"\n" + body + "\n")
        #expect(error.keyPath == keyPath)
        #expect(error.line == 3)
    }

    @Test("Two clients cannot share a subject or a uid", arguments: ["mtls_subject = \"CN=x\"", "dbus_uid = 1000"])
    func sharedSubjectsAreRefused(field: String) throws {
        let toml = "[[clients]]\nid = \"a\"\nauth = { \(field) }\n[[clients]]\nid = \"b\"\nauth = { \(field) }\n"
        let error = try Support.error(toml)
        #expect(error.code == .duplicate)
        #expect(error.line == 6)
        #expect(error.message.hasSuffix("(first used at line 3)"))
    }

    static let ed25519Key = "ed25519:JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="
    static let hmacKey =
        "hmac-sha256:uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="

    @Test("signature_key is read for both key types", arguments: [ed25519Key, hmacKey])
    func readsSignatureKey(text: String) throws {
        let configuration = try Support.parse("[[clients]]\nid = \"c\"\nauth = { signature_key = \"\(text)\" }\n")
        let key = try #require(configuration.clients.first?.auth.signatureKey)
        #expect(key == (try SignatureKey(parsing: text)))
        #expect(key.algorithm == (text.hasPrefix("ed25519") ? .ed25519 : .hmacSHA256))
    }

    @Test(
        "A bad signature_key is refused at its key, without quoting it",
        arguments: [
            "\"rsa:uzvJfB4u3N0Jy4T7NZ75MDVc\"", "\"ed25519:uzvJfB4u3N0Jy4T7NZ75MDVc\"",
            "\"hmac-sha256:uzvJfB4u3N0Jy4T7NZ75MDVc\"", "\"hmac-sha256:uzvJ fB4u3N0Jy4T7NZ75MDVc\"",
            "\"uzvJfB4u3N0Jy4T7NZ75MDVc\"", "42",
        ]
    )
    func badSignatureKeysAreRefused(value: String) throws {
        let error = try Support.error("[[clients]]\nid = \"c\"\nauth = { signature_key = \(value) }\n")
        #expect(error.keyPath == "clients[0].auth.signature_key")
        #expect(error.line == 3)
        #expect(!error.message.contains("uzvJ") && !"\(error)".contains("uzvJ"))
    }
}
