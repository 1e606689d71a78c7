import NIOSSL
import Testing

@testable import BastionTransport

/// The listener's TLS (HTTPTLSSettings.swift).
struct HTTPTLSSettingsTests {
    @Test func aMissingFileIsNamed() {
        let settings = HTTPTLSSettings(
            certificateChainPath: "/nonexistent/server.pem",
            privateKeyPath: "/nonexistent/k"
        )
        let error = #expect(throws: HTTPTLSError.self) { try settings.makeConfiguration() }
        #expect(error?.description.contains("/nonexistent/server.pem") == true)
        #expect(!settings.isMutual)
    }

    @Test func aClientCAMakesItMutual() {
        #expect(HTTPTLSSettings(certificateChainPath: "a", privateKeyPath: "b", clientCAPath: "c").isMutual)
    }
}
