import Testing

@testable import BastionSecurity

struct AuthenticationErrorTests {
    @Test func descriptionIsTheMessage() {
        let error = AuthenticationError(code: .unknownClient, message: "no client \"x\" is configured")
        #expect(error.description == "no client \"x\" is configured")
        #expect("\(error)" == error.message)
    }

    @Test func codesAreDistinct() {
        let codes: [AuthenticationError.Code] = [.unknownClient, .unsupportedCredentials, .invalidCredentials]
        #expect(Set(codes).count == 3)
        #expect(AuthenticationError.Code.unknownClient == .unknownClient)
    }

    @Test func errorsCompareByCodeAndMessage() {
        let error = AuthenticationError(code: .invalidCredentials, message: "expired")
        #expect(error == AuthenticationError(code: .invalidCredentials, message: "expired"))
        #expect(error != AuthenticationError(code: .unknownClient, message: "expired"))
    }
}
