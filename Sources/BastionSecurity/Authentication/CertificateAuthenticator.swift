public import BastionProtocol

/// Mutual TLS: the subject of a client certificate the TLS handshake verified against
/// `client_ca` names the client whose `auth.mtls_subject` is that subject, compared exactly
/// (RFC 4514 form, most specific attribute first: `CN=claude` or `CN=claude,O=Example`).
///
/// The chain was verified before HTTP began; what remains is to map it. A certificate the CA
/// signed for a subject no client claims is refused (unknown client), so the CA may sign
/// certificates for other uses without granting them anything here.
public struct CertificateAuthenticator: Authenticator {
    private let clientsBySubject: SubjectIndex

    /// Creates an authenticator over the clients' subjects.
    public init(clients: [ClientManager.Client]) {
        self.clientsBySubject = SubjectIndex(clients) { $0.certificateSubject }
    }

    public func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        guard case .certificateSubject(let subject) = credentials else {
            throw AuthenticationError(
                code: .unsupportedCredentials,
                message: "mutual TLS accepts only a client certificate, not \(credentials.kindName)"
            )
        }
        guard let clientID = clientsBySubject[subject] else {
            throw AuthenticationError(
                code: .unknownClient,
                message: "no client has the auth.mtls_subject of \(TransportCredentials.certificateSubject(subject))"
            )
        }
        return ClientIdentity(clientID: clientID, transport: transport, method: .mutualTLS)
    }
}
