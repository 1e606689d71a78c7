extension AuthenticationError {
    /// A signed request refused: 401 for the client, `problem` for the operator's audit record.
    /// `problem` never quotes a signature, a key or a digest.
    static func signatureRefused(_ problem: String) -> AuthenticationError {
        AuthenticationError(code: .invalidCredentials, message: "signed request refused: \(problem)")
    }
}
