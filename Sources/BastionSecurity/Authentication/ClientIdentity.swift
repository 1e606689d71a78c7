/// The outcome of authentication: which configured client is on the other end, and how we know.
public struct ClientIdentity: Sendable, Hashable {
    /// How a client proved its identity.
    public enum Method: String, Sendable, Hashable {
        /// The local process that started the server over stdio (`--client`).
        case stdioProcess = "stdio"
        case jwt
        case mutualTLS = "mtls"
        case httpSignature = "http-signature"
        case dbusPeer = "dbus-peer"
        /// A peer on a loopback HTTP listener that has no authentication configured: trusted as
        /// the one client the server was started for, like stdio's process.
        case loopback
    }

    /// The configured client id.
    public var clientID: String
    /// The transport name for audit records.
    public var transport: String
    /// How the identity was established.
    public var method: Method

    /// Creates an identity.
    public init(clientID: String, transport: String, method: Method) {
        self.clientID = clientID
        self.transport = transport
        self.method = method
    }
}
