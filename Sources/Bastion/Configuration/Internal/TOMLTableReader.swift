import TOMLKit

/// Typed, located access to one TOML table: every failure becomes a ``ConfigurationError`` at its key path.
struct TOMLTableReader {
    /// The table being read.
    let table: TOMLTable
    /// The table's key path in the document.
    let path: ConfigKeyPath
    /// The document-wide context.
    let context: ConfigurationDecodingContext

    /// Refuses keys outside `allowed`, reporting the first one in source order.
    func checkKeys(_ allowed: [String]) throws(ConfigurationError) {
        let unknown = table.keys.filter { !allowed.contains($0) }
        let ordered = unknown.sorted { lhs, rhs in
            let left = context.sourceMap.positions[path.appending(lhs)]
            let right = context.sourceMap.positions[path.appending(rhs)]
            return (left?.line ?? .max, left?.column ?? .max, lhs) < (right?.line ?? .max, right?.column ?? .max, rhs)
        }
        guard let first = ordered.first else { return }
        throw context.error(
            .unknownKey,
            at: path.appending(first),
            "unknown key \(TOMLString.quoted(first)); expected one of \(allowed.joined(separator: ", "))"
        )
    }

    /// Whether the table has `key`.
    func contains(_ key: String) -> Bool { table[key] != nil }

    /// The string at `key`, or `nil` when absent.
    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw wrongType(path.appending(key), "a string", value) }
        return string
    }

    /// The string at `key`; its absence is an error.
    func requiredString(_ key: String) throws(ConfigurationError) -> String {
        guard let string = try string(key) else { throw missing(key) }
        return string
    }

    /// The boolean at `key`, or `nil` when absent.
    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw wrongType(path.appending(key), "a boolean", value) }
        return bool
    }

    /// The integer at `key`, which must lie in `range`, or `nil` when absent.
    func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw wrongType(path.appending(key), "an integer", value) }
        guard range.contains(int) else {
            throw context.error(
                .invalidValue,
                at: path.appending(key),
                "\(int) is out of range; expected \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return int
    }

    /// The string at `key` read as one of `T`'s raw values, or `nil` when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws(ConfigurationError) -> T?
    where T.RawValue == String {
        guard let string = try string(key) else { return nil }
        guard let choice = T(rawValue: string) else {
            let expected = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw context.error(
                .invalidValue,
                at: path.appending(key),
                "unknown value \(TOMLString.quoted(string)); expected one of \(expected)"
            )
        }
        return choice
    }

    /// The elements of the array at `key` with their paths, or `nil` when absent.
    func array(_ key: String) throws(ConfigurationError) -> [(value: any TOMLValueConvertible, path: ConfigKeyPath)]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw wrongType(path.appending(key), "an array", value) }
        let arrayPath = path.appending(key)
        return array.enumerated().map { ($1, arrayPath.appending(index: $0)) }
    }

    /// The strings of the array at `key` with their paths, or `nil` when absent.
    func stringArray(_ key: String) throws(ConfigurationError) -> [(value: String, path: ConfigKeyPath)]? {
        guard let elements = try array(key) else { return nil }
        var strings: [(value: String, path: ConfigKeyPath)] = []
        for element in elements {
            guard let string = element.value.string else { throw wrongType(element.path, "a string", element.value) }
            strings.append((string, element.path))
        }
        return strings
    }

    /// A reader for the table at `key`, or `nil` when absent.
    func table(_ key: String) throws(ConfigurationError) -> TOMLTableReader? {
        guard let value = table[key] else { return nil }
        guard let table = value.table else { throw wrongType(path.appending(key), "a table", value) }
        return TOMLTableReader(table: table, path: path.appending(key), context: context)
    }

    /// Readers for the tables of the array at `key` (`[[key]]` or an array of inline tables), or `nil`.
    func tableArray(_ key: String) throws(ConfigurationError) -> [TOMLTableReader]? {
        guard let value = table[key] else { return nil }
        guard value.array != nil, let elements = try array(key) else {
            throw wrongType(path.appending(key), "an array of tables ([[\(key)]])", value)
        }
        var readers: [TOMLTableReader] = []
        for element in elements {
            guard let table = element.value.table else { throw wrongType(element.path, "a table", element.value) }
            readers.append(TOMLTableReader(table: table, path: element.path, context: context))
        }
        return readers
    }

    /// The error for a required key that is absent; it points at the table.
    func missing(_ key: String) -> ConfigurationError {
        context.error(.missingKey, at: path.appending(key), "missing required key \(TOMLString.quoted(key))")
    }

    private func wrongType(
        _ path: ConfigKeyPath,
        _ expected: String,
        _ value: any TOMLValueConvertible
    )
        -> ConfigurationError
    {
        context.error(.wrongType, at: path, "expected \(expected), found \(Self.describe(value.type))")
    }

    static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: return "a table"
        case .array: return "an array"
        case .string: return "a string"
        case .int: return "an integer"
        case .double: return "a floating-point number"
        case .bool: return "a boolean"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }
}
