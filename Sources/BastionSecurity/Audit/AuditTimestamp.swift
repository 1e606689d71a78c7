#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 UTC timestamps with microseconds (`2026-11-25T14:03:11.123456Z`), without Foundation.
///
/// Written digit by digit into the record's bytes: one timestamp per request is on the hot path.
public enum AuditTimestamp {
    /// The current wall-clock time, formatted.
    public static func now() -> String {
        var bytes: [UInt8] = []
        appendNow(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the current wall-clock time to `bytes`.
    static func appendNow(to bytes: inout [UInt8]) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        append(seconds: spec.tv_sec, microseconds: Int(spec.tv_nsec / 1000), to: &bytes)
    }

    /// Formats seconds since the epoch plus microseconds.
    public static func format(seconds: Int, microseconds: Int) -> String {
        var bytes: [UInt8] = []
        append(seconds: seconds, microseconds: microseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func append(seconds: Int, microseconds: Int, to bytes: inout [UInt8]) {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        appendDigits(Int(parts.tm_year) + 1900, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(Int(parts.tm_hour), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(microseconds, width: 6, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    private static func appendDigits(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = max(0, value)
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
