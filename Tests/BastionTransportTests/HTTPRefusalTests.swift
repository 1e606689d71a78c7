import BastionProtocol
import Testing

@testable import BastionTransport

/// The HTTP error answers (HTTPRefusal.swift).
struct HTTPRefusalTests {
    @Test func unauthorizedSaysNothingButThatAndKeepsItsChallenge() {
        let refusal = HTTPRefusal.unauthorized(headers: [(name: "WWW-Authenticate", value: "Bearer")])
        #expect(refusal.status == 401)
        #expect(refusal.error?.message == "unauthorized")
        #expect(refusal.headers.map(\.name) == ["WWW-Authenticate"])
    }

    @Test func methodNotAllowedListsTheMethodsInAllow() {
        let refusal = HTTPRefusal.methodNotAllowed(allow: "GET, POST")
        #expect(refusal.status == 405)
        #expect(refusal.headers.first { $0.name == "Allow" }?.value == "GET, POST")
    }

    @Test func unavailableIs503AndInternalErrorIs500WithoutDetail() {
        #expect(HTTPRefusal.unavailable.status == 503)
        #expect(HTTPRefusal.internalError.status == 500)
        #expect(HTTPRefusal.internalError.error?.message == "internal error")
    }

    @Test func aCodeAndMessageMakeItsJSONRPCError() {
        let refusal = HTTPRefusal(status: 413, code: JSONRPCError.invalidRequestCode, message: "too large")
        #expect(refusal.error == JSONRPCError(code: -32600, message: "too large"))
    }
}
