/// Human-readable file sizes in the reference server's `formatSize` format.
public enum SizeFormatter {
    /// Formats a byte count: `0 B`, `512 B`, `1023 B`, `1.00 KB`, `1.50 KB`, `1024.00 KB`, … up to `TB`.
    ///
    /// Below 1024 the count is printed as is with `B`; otherwise it is divided by the largest power of 1024 that
    /// fits (at most 1024⁴, so larger sizes stay in `TB`) and printed with two decimals, rounding half up like
    /// JavaScript's `toFixed(2)`. The arithmetic is exact integer arithmetic. The reference prints `NaN` for a
    /// negative size; this prints it in bytes (`-5 B`) instead.
    /// - Parameter bytes: A size in bytes.
    /// - Returns: The formatted size.
    public static func format(_ bytes: Int64) -> String {
        guard bytes >= 1024 else { return "\(bytes) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var unit = 0
        while unit < units.count - 1 && bytes >> (10 * (unit + 2)) > 0 {
            unit += 1
        }
        let shift = Int64(10 * (unit + 1))
        // hundredths = round_half_up(bytes * 100 / 2^shift), split so the products cannot overflow.
        let whole = bytes >> shift
        let remainder = bytes & ((1 << shift) - 1)
        let hundredths = whole * 100 + (remainder * 100 + (1 << (shift - 1))) >> shift
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
    }
}
