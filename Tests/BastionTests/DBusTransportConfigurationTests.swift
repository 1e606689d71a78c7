import Testing

@testable import Bastion

struct DBusTransportConfigurationTests {
    @Test("The default bus is the session bus")
    func defaults() {
        #expect(DBusTransportConfiguration().bus == "session")
    }

    @Test(
        "Accepted buses are session, system and unix:path=/absolute",
        arguments: [
            ("session", true), ("system", true), ("unix:path=/run/user/1000/bus", true), ("Session", false),
            ("unix:path=relative", false), ("unix:abstract=x", false), ("tcp:host=a,port=1", false),
            ("unix:path=/a,guid=1", false), ("", false),
        ]
    )
    func validBuses(bus: String, isValid: Bool) {
        #expect(DBusTransportConfiguration.isValidBus(bus) == isValid)
    }
}
