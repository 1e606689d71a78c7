extension DBusTransportConfiguration {
    /// The keys of `[transport.dbus]`.
    static let tomlKeys = ["bus"]

    /// Reads `[transport.dbus]`.
    static func decode(_ reader: TOMLTableReader) throws(ConfigurationError) -> DBusTransportConfiguration {
        try reader.checkKeys(tomlKeys)
        var dbus = DBusTransportConfiguration()
        if let bus = try reader.string("bus") {
            guard isValidBus(bus) else {
                throw reader.context.error(
                    .invalidValue,
                    at: reader.path.appending("bus"),
                    "invalid bus \(TOMLString.quoted(bus)); expected session, system or unix:path=/ABSOLUTE/PATH"
                )
            }
            dbus.bus = bus
        }
        return dbus
    }
}
