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
}
