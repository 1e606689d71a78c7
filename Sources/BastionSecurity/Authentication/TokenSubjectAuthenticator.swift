public import BastionProtocol

/// JWT bearer tokens, second half: the `sub` of a token ``JWTVerifier`` verified names the
/// client whose `auth.jwt_subject` is that subject (compared exactly). A subject no client claims
/// is refused, so the issuer may mint tokens for other services without granting them anything.
public struct TokenSubjectAuthenticator: Authenticator {
    private let clientsBySubject: SubjectIndex

    /// Creates an authenticator over the clients' subjects.
    public init(clients: [ClientManager.Client]) {
        self.clientsBySubject = SubjectIndex(clients) { $0.tokenSubject }
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
