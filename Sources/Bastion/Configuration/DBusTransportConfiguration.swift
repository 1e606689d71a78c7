/// The D-Bus transport (`[transport.dbus]`): bus name `org.bastion.MCP` on the chosen bus.
public struct DBusTransportConfiguration: Sendable, Hashable {
    /// The bus to connect to: `session`, `system`, or an address `unix:path=/absolute/socket` (`bus`).
    public var bus: String

    /// Creates a D-Bus transport configuration.
    /// - Parameter bus: The bus (default `session`).
    public init(bus: String = "session") {
        self.bus = bus
    }

    /// Whether `bus` is `session`, `system`, or `unix:path=` followed by an absolute path.
    /// - Parameter bus: The candidate value.
    /// - Returns: `true` when the value is accepted.
    public static func isValidBus(_ bus: String) -> Bool {
        if bus == "session" || bus == "system" { return true }
        let prefix = "unix:path="
        guard bus.hasPrefix(prefix) else { return false }
        let path = bus.dropFirst(prefix.count)
        return path.hasPrefix("/") && !path.contains(",") && !path.contains(";")
            && !path.unicodeScalars.contains { $0.value < 0x20 }
    }
}
