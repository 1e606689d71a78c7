public import BastionProtocol

/// Authenticates the peers of a loopback HTTP listener that has no authentication configured:
/// a request that presents nothing (``TransportCredentials/anonymous``) is the one client the
/// server was started for (`bastion serve --http --client ID`), as stdio's process is.
///
/// The server installs it only for a listener on a loopback address without TLS client
/// certificates or tokens (a non-loopback listener without authentication is refused at start),
/// so it never speaks for a peer on another machine. It accepts nothing else: a request that
/// does present a token is judged by the token's authenticator, never waved through.
public struct LoopbackAuthenticator: Authenticator {
    private let clientID: String

    /// Creates an authenticator that names `clientID` for every anonymous request.
    public init(clientID: String) {
        self.clientID = clientID
    }

    public func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        guard case .anonymous = credentials else {
            throw AuthenticationError(
                code: .unsupportedCredentials,
                message: "the loopback listener trusts only requests that present nothing, not \(credentials.kindName)"
            )
        }
        return ClientIdentity(clientID: clientID, transport: transport, method: .loopback)
    }
}
