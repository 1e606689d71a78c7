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
            ("max_body_kb = 0", "transport.http.max_body_kb", .invalidValue),
            ("requests_per_second = 0", "transport.http.requests_per_second", .invalidValue),
            ("max_connections_per_client = 0", "transport.http.max_connections_per_client", .invalidValue),
            ("max_connections = \"many\"", "transport.http.max_connections", .wrongType),
            ("header_timeout_ms = 10", "transport.http.header_timeout_ms", .invalidValue),
            ("body_timeout_ms = -1", "transport.http.body_timeout_ms", .invalidValue),
        ]
    )
    func refused(body: String, keyPath: String, code: ConfigurationError.Code) throws {
        let error = try Support.error("[transport.http]\n" + body + "\n" + Support.minimalClient)
        #expect(error.keyPath == keyPath)
        #expect(error.code == code)
        #expect(error.line == 2)
    }

    @Test("The limits are read, and default to bounded connections with no rate limit")
    func limits() throws {
        let defaults = try #require(try http(""))
        #expect(defaults.maxBodyKB == nil)
        #expect(defaults.requestsPerSecond == nil)
        #expect(defaults.maxConnectionsPerClient == 128)
        #expect(defaults.maxConnections == 1024)
        #expect(defaults.headerTimeoutMS == 10_000)
        #expect(defaults.bodyTimeoutMS == 60_000)
        let set = try #require(
            try http(
                "max_body_kb = 64\nrequests_per_second = 50\nmax_connections_per_client = 4\nmax_connections = 100\n"
                    + "header_timeout_ms = 2000\nbody_timeout_ms = 5000"
            )
        )
        #expect(set.maxBodyKB == 64)
        #expect(set.requestsPerSecond == 50)
        #expect(set.maxConnectionsPerClient == 4)
        #expect(set.maxConnections == 100)
        #expect(set.headerTimeoutMS == 2000)
        #expect(set.bodyTimeoutMS == 5000)
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
