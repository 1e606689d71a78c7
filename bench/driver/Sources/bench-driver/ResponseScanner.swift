// A single-pass, allocation-free JSON validator that pulls out what the driver checks in a
// JSON-RPC message: the top-level id, result/error/method presence, `isError`, and where the first
// `"text"` string value is (to compare with the expected echo). Cheap enough (well under a
// microsecond for a typical response) that checking every answer does not disturb the measurement.
import Glibc

struct ScanResult {
    /// Top-level numeric id, if the message has one.
    var id: Int64?
    var hasID = false
    var hasResult = false
    var hasError = false
    var hasMethod = false
    /// Some `"isError": true` was seen.
    var isError = false
    /// Bounds (in the line) of the first `"text"` member's string value, without the quotes.
    var textStart = -1
    var textEnd = -1
    /// That string has \-escapes.
    var textEscaped = false
    /// Some result member named `protocolVersion` holds a string (for initialize responses).
    var hasProtocolVersion = false
    /// The line is one well-formed JSON object.
    var valid = false

    /// A response (not a server request/notification).
    var isResponse: Bool { hasID && !hasMethod }
}

private enum Key {
    case other, id, result, error, method, text, isError, protocolVersion
}

struct ResponseScanner {
    private let p: UnsafePointer<UInt8>
    private let n: Int
    private var i = 0
    private var out = ScanResult()

    /// Scans one message.
    static func scan(_ line: UnsafeBufferPointer<UInt8>) -> ScanResult {
        guard let base = line.baseAddress, line.count > 0 else { return ScanResult() }
        var s = ResponseScanner(p: base, n: line.count)
        s.skipWS()
        guard s.i < s.n, s.p[s.i] == UInt8(ascii: "{") else { return s.out }
        guard s.value(depth: 0, key: .other) else { return s.out }
        s.skipWS()
        s.out.valid = s.i == s.n
        return s.out
    }

    private init(p: UnsafePointer<UInt8>, n: Int) {
        self.p = p
        self.n = n
    }

    @inline(__always)
    private mutating func skipWS() {
        while i < n {
            let c = p[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { return }
        }
    }

    /// Parses one value at nesting `depth` (0: the message itself) under member `key`.
    private mutating func value(depth: Int, key: Key) -> Bool {
        skipWS()
        guard i < n, depth < 64 else { return false }
        switch p[i] {
        case UInt8(ascii: "{"):
            i += 1
            skipWS()
            if i < n && p[i] == UInt8(ascii: "}") {
                i += 1
                return true
            }
            while true {
                skipWS()
                guard let (ks, ke, escaped) = string() else { return false }
                let memberKey = escaped ? Key.other : classify(ks, ke, depth: depth + 1)
                skipWS()
                guard i < n, p[i] == UInt8(ascii: ":") else { return false }
                i += 1
                guard value(depth: depth + 1, key: memberKey) else { return false }
                skipWS()
                guard i < n else { return false }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                    return true
                }
                return false
            }
        case UInt8(ascii: "["):
            i += 1
            skipWS()
            if i < n && p[i] == UInt8(ascii: "]") {
                i += 1
                return true
            }
            while true {
                guard value(depth: depth + 1, key: .other) else { return false }
                skipWS()
                guard i < n else { return false }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if p[i] == UInt8(ascii: "]") {
                    i += 1
                    return true
                }
                return false
            }
        case UInt8(ascii: "\""):
            guard let (s, e, escaped) = string() else { return false }
            switch key {
            case .text where out.textStart < 0:
                out.textStart = s
                out.textEnd = e
                out.textEscaped = escaped
            case .protocolVersion: out.hasProtocolVersion = true
            case .id: out.hasID = true
            case .method: out.hasMethod = true
            default: break
            }
            return true
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            if key == .isError { out.isError = true }
            return true
        case UInt8(ascii: "f"):
            return literal("false")
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            return true
        default:
            return number(key: key)
        }
    }

    /// Classifies a member name; only top-level members count for id/result/error/method.
    @inline(__always)
    private mutating func classify(_ s: Int, _ e: Int, depth: Int) -> Key {
        let len = e - s
        let q = p + s
        if depth == 1 {
            if len == 2 && q[0] == UInt8(ascii: "i") && q[1] == UInt8(ascii: "d") { return .id }
            if len == 6 && memcmp(q, "result", 6) == 0 {
                out.hasResult = true
                return .result
            }
            if len == 5 && memcmp(q, "error", 5) == 0 {
                out.hasError = true
                return .error
            }
            if len == 6 && memcmp(q, "method", 6) == 0 { return .method }
            return .other
        }
        if len == 4 && memcmp(q, "text", 4) == 0 { return .text }
        if len == 7 && memcmp(q, "isError", 7) == 0 { return .isError }
        if depth == 2 && len == 15 && memcmp(q, "protocolVersion", 15) == 0 { return .protocolVersion }
        return .other
    }

    /// Parses a string starting at `"`; returns the content's bounds and whether it has escapes.
    @inline(__always)
    private mutating func string() -> (Int, Int, Bool)? {
        guard i < n, p[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let s = i
        var escaped = false
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let e = i
                i += 1
                return (s, e, escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            if c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let len = word.utf8CodeUnitCount
        guard n - i >= len, memcmp(p + i, word.utf8Start, len) == 0 else { return false }
        i += len
        return true
    }

    private mutating func number(key: Key) -> Bool {
        let s = i
        var negative = false
        if i < n && p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var integral: Int64 = 0
        var digits = 0
        var overflow = false
        while i < n, p[i] >= 0x30, p[i] <= 0x39 {
            let (m, o1) = integral.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(p[i] - 0x30))
            overflow = overflow || o1 || o2
            integral = a
            digits += 1
            i += 1
        }
        guard digits > 0 else { return false }
        var isInteger = true
        if i < n && p[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fs = i
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
            guard i > fs else { return false }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            isInteger = false
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            let es = i
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
            guard i > es else { return false }
        }
        if key == .id {
            out.hasID = true
            if isInteger && !overflow { out.id = negative ? -integral : integral }
        }
        return i > s
    }

    /// Whether the `"text"` value found by `scan` equals `expected` (after decoding escapes).
    static func text(of result: ScanResult, in line: UnsafeBufferPointer<UInt8>, equals expected: [UInt8]) -> Bool {
        guard result.textStart >= 0, let base = line.baseAddress else { return false }
        let p = base + result.textStart
        let len = result.textEnd - result.textStart
        if !result.textEscaped {
            guard len == expected.count else { return false }
            return expected.withUnsafeBytes { want in
                guard let w = want.baseAddress else { return len == 0 }
                return memcmp(p, w, len) == 0
            }
        }
        guard let decoded = unescape(UnsafeBufferPointer(start: p, count: len)) else { return false }
        return decoded == expected
    }

    /// Decodes a JSON string body's \-escapes to UTF-8; nil when malformed.
    static func unescape(_ body: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var j = 0
        let e = body.count
        while j < e {
            let c = body[j]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                j += 1
                continue
            }
            guard j + 1 < e else { return nil }
            let esc = body[j + 1]
            j += 2
            switch esc {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(body, j) else { return nil }
                j += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by \uDC00-\uDFFF.
                    guard j + 6 <= e, body[j] == UInt8(ascii: "\\"), body[j + 1] == UInt8(ascii: "u"),
                        let low = hex4(body, j + 2), low >= 0xDC00, low < 0xE000
                    else { return nil }
                    j += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar), let encoded = UTF8.encode(u) else { return nil }
                out.append(contentsOf: encoded)
            default: return nil
            }
        }
        return out
    }

    private static func hex4(_ body: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= body.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = body[at + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}
