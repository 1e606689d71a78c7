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

    /// The credential kind, safe to log (never the secret itself).
    public var kindName: String {
        switch self {
        case .stdio: return "stdio"
        case .bearerToken: return "bearer-token"
        case .certificateSubject: return "client-certificate"
        case .dbusPeer: return "dbus-peer"
        }
    }
}
