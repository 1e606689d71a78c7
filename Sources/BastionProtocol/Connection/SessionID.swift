import Synchronization

/// Session identifiers: 128 bits from the system's random number generator, so an id names one
/// session and cannot be guessed from another (HTTP clients will present them as `MCP-Session-Id`).
public enum SessionID {
    /// A fresh id: `s-` and 32 lowercase hex digits.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2) on Linux
        return "s-" + hex(generator.next()) + hex(generator.next())
    }

    /// An id for one stateless exchange: `x-`, 16 hex digits drawn once per process, `-`, and a
    /// counter. Unique in the process and across restarts (and, with the audit's `node`, across
    /// replicas) without a `getrandom(2)` per request; an exchange's id is a name in the records,
    /// never a credential (nothing is looked up by it).
    public static func makeExchange() -> String {
        let number = exchangeCounter.add(1, ordering: .relaxed).newValue
        return "x-" + exchangePrefix + "-" + String(number)
    }

    private static let exchangePrefix: String = {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next())
    }()
    private static let exchangeCounter = Atomic<UInt64>(0)

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
