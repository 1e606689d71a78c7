/// Session identifiers: 128 bits from the system's random number generator, so an id names one
/// session and cannot be guessed from another (HTTP clients will present them as `MCP-Session-Id`).
public enum SessionID {
    /// A fresh id: `s-` and 32 lowercase hex digits.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2) on Linux
        return "s-" + hex(generator.next()) + hex(generator.next())
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
