/// What a transport can show about its peer; each authenticator accepts the kinds it knows.
public enum TransportCredentials: Sendable, Hashable {
    /// stdio: the client id named on the command line by whoever started the server.
    case stdio(clientID: String)
    /// HTTP `Authorization: Bearer` token.
    case bearerToken(String)
    /// The subject of a verified TLS client certificate.
    case certificateSubject(String)
    /// D-Bus peer credentials from the bus.
    case dbusPeer(uid: UInt32, pid: Int32)
    /// The subject of a bearer token whose signature, issuer, audience and times were verified.
    case tokenSubject(String)
    /// A request carrying an RFC 9421 `Signature` (label `sig1`), verified by the signature
    /// authenticator against the key of the client its `keyid` names.
    case signedRequest(SignedHTTPRequest)
    /// Nothing: an HTTP request with no token, certificate or signature. Only a server that
    /// trusts its loopback peers as one client accepts it (``kindName`` `none`).
    case anonymous

    /// The credential kind, safe to log (never the secret itself).
    public var kindName: String {
        switch self {
        case .stdio: return "stdio"
        case .bearerToken: return "bearer-token"
        case .certificateSubject: return "client-certificate"
        case .dbusPeer: return "dbus-peer"
        case .tokenSubject: return "jwt"
        case .signedRequest: return "http-signature"
        case .anonymous: return "none"
        }
    }
}

/// Never the secret: `"\(credentials)"`, `String(reflecting:)` and `dump` show the kind, and for a
/// token only that it was given. Identities that are not secrets (a client id, a certificate
/// subject, a uid) are shown escaped and bounded.
extension TransportCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        switch self {
        case .stdio(let clientID): return "stdio(client: \(Self.shown(clientID)))"
        case .bearerToken: return "bearer-token(<redacted>)"
        case .certificateSubject(let subject): return "client-certificate(\(Self.shown(subject)))"
        case .dbusPeer(let uid, let pid): return "dbus-peer(uid: \(uid), pid: \(pid))"
        case .tokenSubject(let subject): return "jwt(sub: \(Self.shown(subject)))"
        case .signedRequest: return "http-signature(<redacted>)"
        case .anonymous: return "none"
        }
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["kind": kindName], displayStyle: .enum) }

    /// Control characters escaped, at most 128 bytes.
    private static func shown(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            guard shown.utf8.count < 128 else { return shown + "…" }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
