import Testing

@testable import BastionTransport

/// The listener's settings (HTTPTransportSettings.swift).
struct HTTPTransportSettingsTests {
    @Test func theDefaultsAreALoopbackListenerWithA4MiBBody() {
        let settings = HTTPTransportSettings()
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8765)
        #expect(settings.maxBodyBytes == 4 << 20)
        #expect(settings.allowedOrigins.isEmpty)
        #expect(settings.allowedHosts.isEmpty)
    }

    @Test func theLoopbackHostsAreWhatALocalClientsHostHeaderSays() {
        #expect(Set(HTTPTransportSettings.loopbackHosts) == ["localhost", "127.0.0.1", "::1", "[::1]"])
    }
}
