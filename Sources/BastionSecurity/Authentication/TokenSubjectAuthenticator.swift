public import BastionProtocol

/// JWT bearer tokens, second half: the `sub` of a token ``JWTVerifier`` verified names the
/// client whose `auth.jwt_subject` is that subject (compared exactly). A subject no client claims
/// is refused, so the issuer may mint tokens for other services without granting them anything.
public struct TokenSubjectAuthenticator: Authenticator {
    private let clientsBySubject: [String: String]

    /// Creates an authenticator over the clients' token subjects.
    public init(clients: [ClientManager.Client]) {
        var map: [String: String] = [:]
        for client in clients {
            guard let subject = client.tokenSubject else { continue }
            // Two clients claiming one subject: neither is reachable by it (fail closed).
            map[subject] = map[subject] == nil ? client.id : ""
        }
        self.clientsBySubject = map.filter { !$0.value.isEmpty }
    }

    public func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        guard case .tokenSubject(let subject) = credentials else {
            throw AuthenticationError(
                code: .unsupportedCredentials,
                message: "token authentication accepts only a verified token subject, not \(credentials.kindName)"
            )
        }
        guard let clientID = clientsBySubject[subject] else {
            throw AuthenticationError(
                code: .unknownClient,
                message: "no client has the auth.jwt_subject of \(credentials)"
            )
        }
        return ClientIdentity(clientID: clientID, transport: transport, method: .jwt)
    }
}
