public import BastionProtocol

/// Authenticates the stdio peer: the process that started the server is the client it named.
///
/// The operating system already authenticated that process (it runs as the server's own user);
/// what remains is to check that the named client exists in the configuration.
public struct StdioAuthenticator: Authenticator {
    private let clientIDs: Set<String>

    /// Creates an authenticator that knows the configured client ids.
    public init(clientIDs: some Sequence<String>) {
        self.clientIDs = Set(clientIDs)
    }

    public func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        guard case .stdio(let clientID) = credentials else {
            throw AuthenticationError(
                code: .unsupportedCredentials,
                message: "stdio accepts only a client id, not \(credentials.kindName)"
            )
        }
        guard clientIDs.contains(clientID) else {
            throw AuthenticationError(
                code: .unknownClient,
                message: "no client \"\(clientID)\" is configured"
            )
        }
        return ClientIdentity(clientID: clientID, transport: transport, method: .stdioProcess)
    }
}
