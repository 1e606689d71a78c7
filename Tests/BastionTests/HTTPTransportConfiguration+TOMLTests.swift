import Testing

@testable import Bastion

struct HTTPTransportConfigurationTOMLTests {
    typealias Support = ConfigurationTestSupport

    private func http(_ body: String) throws -> HTTPTransportConfiguration? {
        try Support.parse("[transport.http]\n" + body + "\n" + Support.minimalClient).http
    }

    @Test("An empty [transport.http] listens on the loopback default")
    func emptyTable() throws {
        #expect(try http("") == HTTPTransportConfiguration())
    }

    @Test("A public listener is accepted with TLS, and TLS paths resolve against the file")
    func publicListenerWithTLS() throws {
        let http = try http("listen = \"0.0.0.0:443\"\ntls_cert = \"tls/cert.pem\"\ntls_key = \"/k.pem\"")
        #expect(http?.tlsCert == "/etc/bastion/tls/cert.pem")
        #expect(http?.tlsKey == "/k.pem")
    }

    @Test(
        "Unsafe or incomplete TLS settings are refused at the key that needs fixing",
        arguments: [
            ("listen = \"0.0.0.0:8765\"", "transport.http.listen", ConfigurationError.Code.unsafe),
            ("tls_cert = \"c\"", "transport.http.tls_cert", .missingKey),
            ("tls_key = \"k\"", "transport.http.tls_key", .missingKey),
            ("client_ca = \"ca\"", "transport.http.client_ca", .missingKey),
            ("listen = \"8765\"", "transport.http.listen", .invalidValue),
            ("allowed_origins = [\"localhost\"]", "transport.http.allowed_origins[0]", .invalidValue),
            ("allowed_origins = [\"http://x/path\"]", "transport.http.allowed_origins[0]", .invalidValue),
            ("allowed_origins = [\"*\"]", "transport.http.allowed_origins[0]", .invalidValue),
            ("port = 1", "transport.http.port", .unknownKey),
        ]
    )
    func refused(body: String, keyPath: String, code: ConfigurationError.Code) throws {
        let error = try Support.error("[transport.http]\n" + body + "\n" + Support.minimalClient)
        #expect(error.keyPath == keyPath)
        #expect(error.code == code)
        #expect(error.line == 2)
    }

    @Test("The unsafe-listener message names the TLS keys to set")
    func unsafeMessage() throws {
        let error = try Support.error("[transport.http]\nlisten = \"0.0.0.0:8765\"\n" + Support.minimalClient)
        #expect(error.message.contains("transport.http.tls_cert"))
        #expect(error.message.contains("transport.http.tls_key"))
    }

    @Test(
        "Origins are http(s)://host[:port]",
        arguments: [
            ("http://localhost", true), ("https://a.example:8443", true), ("http://", false), ("ftp://x", false),
            ("http://x/", false), ("http://u@x", false), ("null", false),
        ]
    )
    func origins(origin: String, isValid: Bool) {
        #expect(HTTPTransportConfiguration.isValidOrigin(origin) == isValid)
    }
}
