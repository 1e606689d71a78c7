#if canImport(Glibc)
import Glibc
#endif

/// The process environment as a dictionary, read from `environ` without Foundation (which would
/// cost several megabytes of resident memory for one lookup).
enum ProcessEnvironment {
    /// The current environment; for a repeated name, the first occurrence wins, as `getenv` does.
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let pair = String(cString: entry)
            if let equals = pair.firstIndex(of: "=") {
                let name = String(pair[..<equals])
                if result[name] == nil { result[name] = String(pair[pair.index(after: equals)...]) }
            }
            cursor += 1
        }
        return result
    }
}
