/// The HTTP transport (`[transport.http]`): Streamable HTTP, legacy SSE and WebSocket on one listener.
///
/// The loader refuses a listener on a non-loopback address unless both ``tlsCert`` and ``tlsKey``
/// are set: MCP traffic carries file contents and commands, so it never crosses a network in clear.
public struct HTTPTransportConfiguration: Sendable, Hashable {
    /// The address to listen on, `HOST:PORT` or `[IPV6]:PORT` (`listen`).
    public var listen: String
    /// The absolute path of the server certificate chain, PEM (`tls_cert`).
    public var tlsCert: String?
    /// The absolute path of the server private key, PEM (`tls_key`).
    public var tlsKey: String?
    /// The absolute path of the CA bundle that client certificates must chain to: mutual TLS (`client_ca`).
    public var clientCA: String?
    /// This server's URL (of `/mcp`) as clients reach it: the JWT audience and the RFC 9728
    /// `resource` (`public_url`).
    public var publicURL: String?
    /// The `Origin` header values accepted from browsers, e.g. `http://localhost` (`allowed_origins`).
    public var allowedOrigins: [String]
    /// The largest request body, in KiB (`max_body_kb`; 413 beyond); `nil`: `[server]
    /// max_message_bytes`, the largest message any transport takes.
    public var maxBodyKB: Int?
    /// Requests per second per client (`requests_per_second`; 429 + `Retry-After` beyond);
    /// `nil`: no limit.
    public var requestsPerSecond: Int?
    /// Connections one client may hold at once (`max_connections_per_client`).
    public var maxConnectionsPerClient: Int = 128
    /// Connections open at once over all peers (`max_connections`).
    public var maxConnections: Int = 1024
    /// How long, in milliseconds, a connection may take to deliver its first request head, TLS
    /// handshake included (`header_timeout_ms`).
    public var headerTimeoutMS: Int = 10_000
    /// How long, in milliseconds, a request body may take to arrive once its head has
    /// (`body_timeout_ms`).
    public var bodyTimeoutMS: Int = 60_000

    /// Creates an HTTP transport configuration.
    /// - Parameters:
    ///   - listen: The address to listen on (default `127.0.0.1:8765`).
    ///   - tlsCert: The server certificate chain path.
    ///   - tlsKey: The server private key path.
    ///   - clientCA: The client CA bundle path (mutual TLS).
    ///   - allowedOrigins: The accepted `Origin` values.
    public init(
        listen: String = "127.0.0.1:8765",
        tlsCert: String? = nil,
        tlsKey: String? = nil,
        clientCA: String? = nil,
        publicURL: String? = nil,
        allowedOrigins: [String] = []
    ) {
        self.publicURL = publicURL
        self.listen = listen
        self.tlsCert = tlsCert
        self.tlsKey = tlsKey
        self.clientCA = clientCA
        self.allowedOrigins = allowedOrigins
    }

    /// The host and port of ``listen``, or `nil` when it is malformed (brackets are removed from IPv6 hosts).
    public var listenHostAndPort: (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if listen.hasPrefix("[") {
            guard let close = listen.firstIndex(of: "]") else { return nil }
            host = listen[listen.index(after: listen.startIndex)..<close]
            let rest = listen[listen.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = listen.lastIndex(of: ":") else { return nil }
            host = listen[..<colon]
            portText = listen[listen.index(after: colon)...]
            if host.contains(":") { return nil }  // a bare IPv6 address must be bracketed
        }
        guard !host.isEmpty, !portText.isEmpty, portText.allSatisfy(\.isASCII),
            let port = Int(portText), (0...65_535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    /// Whether ``listen`` names a loopback address (`localhost`, `127.0.0.0/8` or `::1`).
    public var isLoopback: Bool {
        guard let host = listenHostAndPort?.host.lowercased() else { return false }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy { $0.isASCII && $0.isNumber } && UInt8(octet) != nil
        }
    }
}
