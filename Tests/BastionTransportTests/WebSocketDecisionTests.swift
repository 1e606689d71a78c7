import Testing

@testable import BastionTransport

/// What the listener does with an upgrade request (WebSocketDecision.swift).
struct WebSocketDecisionTests {
    @Test func aRefusalCarriesItsAnswer() {
        let decision = WebSocketDecision.refuse(
            HTTPRefusal.unauthorized(headers: [(name: "WWW-Authenticate", value: "Bearer")])
        )
        guard case .refuse(let refusal) = decision else {
            Issue.record("not a refusal")
            return
        }
        #expect(refusal.status == 401)
        #expect(refusal.headers.first?.value == "Bearer")
    }
}
