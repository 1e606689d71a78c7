import BastionProtocol

/// Checks tool arguments against the subset of JSON Schema that tool schemas use, before any
/// handler runs: `type` (one or a list), `required`, `properties`, `additionalProperties: false`,
/// `enum`, `const`, `minimum`/`maximum`, `minLength`/`maxLength`, `items`, `minItems`/`maxItems`.
/// Unknown keywords are ignored (permissive, as JSON Schema itself is).
enum ArgumentValidator {
    /// Validates `value` against `schema`.
    /// - Returns: `nil` when valid, otherwise the first problem, naming the argument path.
    static func validate(_ value: JSONValue, against schema: JSONValue, path: String = "arguments") -> String? {
        guard case .object(let rules) = schema else { return nil }
        if let problem = checkType(value, rules["type"], path: path) { return problem }
        if let allowed = rules["enum"]?.arrayValue, !allowed.contains(where: { equal($0, value) }) {
            return "\(path) must be one of \(JSONWriter.string(.array(allowed)))"
        }
        if let constant = rules["const"], !equal(constant, value) {
            return "\(path) must be \(JSONWriter.string(constant))"
        }
        switch value {
        case .object(let members): return checkObject(members, rules, path: path)
        case .array(let elements): return checkArray(elements, rules, path: path)
        case .string(let text): return checkString(text, rules, path: path)
        case .int, .double: return checkNumber(value, rules, path: path)
        default: return nil
        }
    }

    private static func checkType(_ value: JSONValue, _ type: JSONValue?, path: String) -> String? {
        let names: [String]
        switch type {
        case .string(let name)?: names = [name]
        case .array(let list)?: names = list.compactMap(\.stringValue)
        default: return nil
        }
        if names.contains(where: { matches(value, type: $0) }) { return nil }
        return "\(path) must be \(names.joined(separator: " or ")), not \(value.typeName)"
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("integer", .int): return true
        case ("integer", .double(let number)): return number.rounded() == number && number.isFinite
        case ("number", .int), ("number", .double): return true
        default: return type == value.typeName
        }
    }

    private static func checkObject(
        _ members: [String: JSONValue],
        _ rules: [String: JSONValue],
        path: String
    )
        -> String?
    {
        for case .string(let key) in rules["required"]?.arrayValue ?? [] where members[key] == nil {
            return "\(path).\(key) is required"
        }
        let properties = rules["properties"]?.objectValue ?? [:]
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[key] {
                if let problem = validate(member, against: schema, path: "\(path).\(key)") { return problem }
            } else if rules["additionalProperties"] == false {
                return "\(path).\(key) is not a known argument"
            } else if let extra = rules["additionalProperties"], case .object = extra,
                let problem = validate(member, against: extra, path: "\(path).\(key)")
            {
                return problem
            }
        }
        return nil
    }

    private static func checkArray(_ elements: [JSONValue], _ rules: [String: JSONValue], path: String) -> String? {
        if let minimum = rules["minItems"]?.intValue, elements.count < minimum {
            return "\(path) needs at least \(minimum) items"
        }
        if let maximum = rules["maxItems"]?.intValue, elements.count > maximum {
            return "\(path) allows at most \(maximum) items"
        }
        guard let items = rules["items"] else { return nil }
        for (index, element) in elements.enumerated() {
            if let problem = validate(element, against: items, path: "\(path)[\(index)]") { return problem }
        }
        return nil
    }

    private static func checkString(_ text: String, _ rules: [String: JSONValue], path: String) -> String? {
        let length = text.unicodeScalars.count
        if let minimum = rules["minLength"]?.intValue, length < minimum {
            return "\(path) must be at least \(minimum) characters"
        }
        if let maximum = rules["maxLength"]?.intValue, length > maximum {
            return "\(path) must be at most \(maximum) characters"
        }
        return nil
    }

    private static func checkNumber(_ value: JSONValue, _ rules: [String: JSONValue], path: String) -> String? {
        guard let number = value.doubleValue else { return nil }
        if let minimum = rules["minimum"]?.doubleValue, number < minimum { return "\(path) must be ≥ \(minimum)" }
        if let maximum = rules["maximum"]?.doubleValue, number > maximum { return "\(path) must be ≤ \(maximum)" }
        return nil
    }

    /// JSON equality where 1 and 1.0 are the same number.
    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }
}
