extension HTTPTransportConfiguration {
    /// The keys of `[transport.http]`.
    static let tomlKeys = [
        "listen", "tls_cert", "tls_key", "client_ca", "public_url", "allowed_origins", "max_body_kb",
        "requests_per_second", "max_connections_per_client", "max_connections", "header_timeout_ms",
        "body_timeout_ms",
    ]

    /// Reads `[transport.http]` and refuses unsafe combinations.
    static func decode(_ reader: TOMLTableReader) throws(ConfigurationError) -> HTTPTransportConfiguration {
        let context = reader.context
        try reader.checkKeys(tomlKeys)
        var http = HTTPTransportConfiguration()
        if let listen = try reader.string("listen") { http.listen = listen }
        guard http.listenHostAndPort != nil else {
            throw context.error(
                .invalidValue,
                at: reader.path.appending("listen"),
                "invalid address \(TOMLString.quoted(http.listen)); expected HOST:PORT or [IPV6]:PORT"
            )
        }
        func path(_ key: String) throws(ConfigurationError) -> String? {
            guard let value = try reader.string(key) else { return nil }
            return try context.resolvePath(value, at: reader.path.appending(key))
        }
        http.tlsCert = try path("tls_cert")
        http.tlsKey = try path("tls_key")
        http.clientCA = try path("client_ca")
        let prefix = reader.path.description + "."
        if http.tlsCert != nil, http.tlsKey == nil {
            throw context.error(
                .missingKey,
                at: reader.path.appending("tls_cert"),
                "tls_cert requires \(prefix)tls_key"
            )
        }
        if http.tlsKey != nil, http.tlsCert == nil {
            throw context.error(
                .missingKey,
                at: reader.path.appending("tls_key"),
                "tls_key requires \(prefix)tls_cert"
            )
        }
        if http.clientCA != nil, http.tlsCert == nil {
            throw context.error(
                .missingKey,
                at: reader.path.appending("client_ca"),
                "client_ca (mutual TLS) requires \(prefix)tls_cert and \(prefix)tls_key"
            )
        }
        if !http.isLoopback, http.tlsCert == nil {
            throw context.error(
                .unsafe,
                at: reader.path.appending("listen"),
                "\(TOMLString.quoted(http.listen)) is not a loopback address: listening on it without TLS is "
                    + "refused; set \(prefix)tls_cert and \(prefix)tls_key, or listen on 127.0.0.1"
            )
        }
        if let url = try reader.string("public_url") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://"),
                !url.contains(where: { $0 == " " || $0 == "#" })
            else {
                throw context.error(
                    .invalidValue,
                    at: reader.path.appending("public_url"),
                    "invalid public_url \(TOMLString.quoted(url)); expected an http(s) URL such as https://mcp.example.com/mcp"
                )
            }
            http.publicURL = url
        }
        for origin in try reader.stringArray("allowed_origins") ?? [] {
            guard isValidOrigin(origin.value) else {
                throw context.error(
                    .invalidValue,
                    at: origin.path,
                    "invalid origin \(TOMLString.quoted(origin.value)); expected SCHEME://HOST[:PORT] with "
                        + "scheme http or https and no path"
                )
            }
            http.allowedOrigins.append(origin.value)
        }
        http.maxBodyKB = try reader.int("max_body_kb", in: 1...(1 << 20))
        http.requestsPerSecond = try reader.int("requests_per_second", in: 1...1_000_000)
        if let value = try reader.int("max_connections_per_client", in: 1...100_000) {
            http.maxConnectionsPerClient = value
        }
        if let value = try reader.int("max_connections", in: 1...1_000_000) { http.maxConnections = value }
        if let value = try reader.int("header_timeout_ms", in: 100...600_000) { http.headerTimeoutMS = value }
        if let value = try reader.int("body_timeout_ms", in: 100...3_600_000) { http.bodyTimeoutMS = value }
        return http
    }

    /// Whether `origin` has the shape of a browser `Origin` header: `http(s)://host[:port]`.
    static func isValidOrigin(_ origin: String) -> Bool {
        let rest: Substring
        if origin.hasPrefix("https://") {
            rest = origin.dropFirst("https://".count)
        } else if origin.hasPrefix("http://") {
            rest = origin.dropFirst("http://".count)
        } else {
            return false
        }
        return !rest.isEmpty
            && !rest.unicodeScalars.contains { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "@" || $0.value <= 0x20 }
    }
}
