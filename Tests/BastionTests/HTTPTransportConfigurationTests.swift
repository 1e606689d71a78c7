import Testing

@testable import Bastion

struct HTTPTransportConfigurationTests {
    @Test("The default listens on loopback port 8765 without TLS")
    func defaults() {
        let http = HTTPTransportConfiguration()
        #expect(http.listen == "127.0.0.1:8765")
        #expect(http.tlsCert == nil && http.tlsKey == nil && http.clientCA == nil)
        #expect(http.allowedOrigins.isEmpty)
        #expect(http.isLoopback)
    }

    @Test(
        "listen splits into host and port",
        arguments: [
            ("127.0.0.1:8765", "127.0.0.1", 8765), ("[::1]:443", "::1", 443), ("localhost:0", "localhost", 0),
            ("example.org:65535", "example.org", 65535),
        ]
    )
    func splitsListen(listen: String, host: String, port: Int) throws {
        let parts = try #require(HTTPTransportConfiguration(listen: listen).listenHostAndPort)
        #expect(parts.host == host)
        #expect(parts.port == port)
    }

    @Test(
        "Malformed listen values have no host and port",
        arguments: ["8765", ":8765", "host:", "host:65536", "host:-1", "::1:80", "[::1]80", "[::1", "h:8a"]
    )
    func malformedListen(listen: String) {
        #expect(HTTPTransportConfiguration(listen: listen).listenHostAndPort == nil)
    }

    @Test(
        "Loopback is localhost, 127.0.0.0/8 and ::1 only",
        arguments: [
            ("127.0.0.1:1", true), ("127.1.2.3:1", true), ("localhost:1", true), ("LOCALHOST:1", true),
            ("[::1]:1", true), ("0.0.0.0:1", false), ("[::]:1", false), ("10.0.0.1:1", false),
            ("127.0.0.256:1", false), ("127.0.0:1", false), ("127.0.0.+1:1", false), ("localhost.evil.com:1", false),
            ("127.0.0.1.evil.com:1", false), ("bad", false),
        ]
    )
    func loopback(listen: String, isLoopback: Bool) {
        #expect(HTTPTransportConfiguration(listen: listen).isLoopback == isLoopback)
    }
}
