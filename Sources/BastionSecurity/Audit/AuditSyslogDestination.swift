/// Where audit records are sent as syslog messages (`audit_syslog` in `[server]`).
public enum AuditSyslogDestination: Sendable, Hashable, CustomStringConvertible {
    /// A local datagram socket, usually `/dev/log` (`unix:/dev/log`).
    case unix(path: String)
    /// RFC 5426 syslog over UDP (`udp://host:port`), one datagram per message.
    case udp(host: String, port: UInt16)
    /// RFC 6587 syslog over TCP (`tcp://host:port`), octet-counting framing.
    case tcp(host: String, port: UInt16)

    /// Parses `unix:/absolute/path`, `udp://host:port` or `tcp://host:port` (`[v6]:port` for IPv6).
    ///
    /// - Parameter text: The configured value.
    /// - Returns: The destination, or `nil` when `text` is none of these.
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {  // path-bytes: a URL scheme
            let path = String(text.dropFirst("unix:".count))
            guard PathBytes.isAbsolute(path), path.utf8.count < 108, !path.utf8.contains(0) else { return nil }
            self = .unix(path: path)
            return
        }
        let isUDP = text.hasPrefix("udp://")  // path-bytes: a URL scheme
        guard isUDP || text.hasPrefix("tcp://") else { return nil }  // path-bytes: a URL scheme
        guard let (host, port) = Self.hostAndPort(text.dropFirst("udp://".count)) else { return nil }
        self = isUDP ? .udp(host: host, port: port) : .tcp(host: host, port: port)
    }

    /// The destination as configured.
    public var description: String {
        switch self {
        case .unix(let path): return "unix:\(path)"
        case .udp(let host, let port): return "udp://\(Self.bracketed(host)):\(port)"
        case .tcp(let host, let port): return "tcp://\(Self.bracketed(host)):\(port)"
        }
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host  // path-bytes: a host name
    }

    private static func hostAndPort(_ text: Substring) -> (String, UInt16)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {  // path-bytes: a host and port
            // path-bytes: a host and port
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }  // path-bytes: a host and port
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        let isHostValid =
            !host.isEmpty && host.utf8.count <= 253
            && host.unicodeScalars.allSatisfy {
                ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x61 && $0.value <= 0x7A)
                    || ($0.value >= 0x41 && $0.value <= 0x5A) || "-.:".unicodeScalars.contains($0)
            }
        guard isHostValid, let port = UInt16(portText), port > 0 else { return nil }
        return (String(host), port)
    }
}
