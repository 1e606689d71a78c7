import Testing

@testable import Bastion

struct DBusTransportConfigurationTOMLTests {
    typealias Support = ConfigurationTestSupport

    @Test("bus is read, and defaults to session")
    func readsBus() throws {
        let system = try Support.parse("[transport.dbus]\nbus = \"system\"\n" + Support.minimalClient)
        #expect(system.dbus?.bus == "system")
        let empty = try Support.parse("[transport.dbus]\n" + Support.minimalClient)
        #expect(empty.dbus == DBusTransportConfiguration())
    }

    @Test(
        "A bad bus or an unknown key is refused",
        arguments: [
            ("bus = \"tcp:host=x\"", "transport.dbus.bus"), ("bus = 1", "transport.dbus.bus"),
            ("name = \"org.x\"", "transport.dbus.name"),
        ]
    )
    func refused(body: String, keyPath: String) throws {
        let error = try Support.error("[transport.dbus]\n" + body + "\n" + Support.minimalClient)
        #expect(error.keyPath == keyPath)
        #expect(error.line == 2)
    }
}
