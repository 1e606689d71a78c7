import BastionProtocol
import BastionSecurity

extension SandboxPolicy {
    /// The policy as the JSON document `sandbox-exec` reads on descriptor 3 (never a line feed
    /// in it: one ends a prepared policy, ``awaitsLaunch``).
    public func encoded() -> [UInt8] {
        var members: [String: JSONValue] = [
            "limits": limits.json,
            "readPaths": .array(readPaths.map(JSONValue.string)),
            "writePaths": .array(writePaths.map(JSONValue.string)),
            "restrictsNetwork": .bool(restrictsNetwork),
            "required": .array(required.map(JSONValue.string)),
        ]
        if awaitsLaunch {
            members["awaitsLaunch"] = true
        } else {
            members.merge(launch.members) { _, new in new }
        }
        if !hiddenPaths.isEmpty { members["hiddenPaths"] = .array(hiddenPaths.map(JSONValue.string)) }
        if !cgroups.isEmpty { members["cgroups"] = .array(cgroups.map(JSONValue.string)) }
        if minimalRoot {
            members["minimalRoot"] = true
            members["rootLinks"] = .object(rootLinks.mapValues(JSONValue.string))
        }
        if let user {
            members["user"] = [
                "uid": .int(Int64(user.uid)), "gid": .int(Int64(user.gid)),
                "groups": .array(user.groups.map { .int(Int64($0)) }),
            ]
        }
        return JSONWriter.encode(.object(members))
    }

    /// Decodes and checks a policy document: every field present and of its type, paths absolute,
    /// no NUL in any string (`execve` could not carry it), at most ``maximumEncodedBytes``.
    /// - Throws: ``SandboxError`` naming the first bad field.
    public init(decoding bytes: [UInt8]) throws(SandboxError) {
        guard bytes.count <= Self.maximumEncodedBytes else {
            throw SandboxError(message: "the sandbox policy is larger than \(Self.maximumEncodedBytes) bytes")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw SandboxError(message: "the sandbox policy is not valid JSON: \(error)")
        }
        let fields = PolicyFields(document)
        let awaitsLaunch = try fields.optional("awaitsLaunch") == nil ? false : fields.bool("awaitsLaunch")
        let launch =
            awaitsLaunch
            ? SandboxPolicy(executable: "", arguments: [], workingDirectory: "/").launch
            : try SandboxLaunch(fields)
        self.init(
            executable: launch.executable,
            arguments: launch.arguments,
            environment: launch.environment,
            workingDirectory: launch.workingDirectory,
            limits: try Limits(fields.value("limits")),
            readPaths: try fields.paths("readPaths"),
            writePaths: try fields.paths("writePaths"),
            restrictsNetwork: try fields.bool("restrictsNetwork"),
            user: try fields.optional("user").map(UserIdentity.init),
            required: try fields.strings("required"),
            hiddenPaths: try fields.optional("hiddenPaths") == nil ? [] : fields.paths("hiddenPaths"),
            cgroups: try fields.optional("cgroups") == nil ? [] : fields.paths("cgroups"),
            minimalRoot: try fields.optional("minimalRoot") == nil ? false : fields.bool("minimalRoot"),
            rootLinks: try Self.links(fields.optional("rootLinks")),
            awaitsLaunch: awaitsLaunch
        )
    }

    /// `rootLinks`: an object of absolute, normal link paths to non-empty targets, no NUL anywhere.
    static func links(_ value: JSONValue?) throws(SandboxError) -> [String: String] {
        guard let value else { return [:] }
        guard case .object(let members) = value else {
            throw SandboxError(message: "the sandbox policy's \"rootLinks\" is not an object")
        }
        var links: [String: String] = [:]
        for (path, target) in members {
            guard PathBytes.isNormalAbsolute(path), !path.utf8.contains(0), let text = target.stringValue,
                !text.isEmpty,
                !text.utf8.contains(0)
            else { throw SandboxError(message: "the sandbox policy has a malformed \"rootLinks\" entry") }
            links[path] = text
        }
        return links
    }

    /// `NAME=value` with a non-empty name free of `=`.
    static func isVariable(_ entry: String) -> Bool {
        guard let equals = entry.utf8.firstIndex(of: UInt8(ascii: "=")) else { return false }
        return equals != entry.utf8.startIndex
    }
}

extension SandboxLaunch {
    /// The launch as the JSON document a prepared `sandbox-exec` reads after its policy.
    public func encoded() -> [UInt8] { JSONWriter.encode(.object(members)) }

    var members: [String: JSONValue] {
        [
            "executable": .string(executable),
            "arguments": .array(arguments.map(JSONValue.string)),
            "environment": .array(environment.map(JSONValue.string)),
            "workingDirectory": .string(workingDirectory),
        ]
    }

    /// Decodes and checks a launch document (the same checks as a whole policy's launch fields).
    /// - Throws: ``SandboxError`` naming the first bad field.
    public init(decoding bytes: [UInt8]) throws(SandboxError) {
        guard bytes.count <= SandboxPolicy.maximumEncodedBytes else {
            throw SandboxError(message: "the sandbox launch is larger than \(SandboxPolicy.maximumEncodedBytes) bytes")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw SandboxError(message: "the sandbox launch is not valid JSON: \(error)")
        }
        try self.init(PolicyFields(document))
    }

    fileprivate init(_ fields: PolicyFields) throws(SandboxError) {
        self.init(
            executable: try fields.path("executable"),
            arguments: try fields.strings("arguments"),
            environment: try fields.strings("environment"),
            workingDirectory: try fields.path("workingDirectory")
        )
        guard !arguments.isEmpty else { throw SandboxError(message: "the sandbox policy has an empty \"arguments\"") }
        for variable in environment where !SandboxPolicy.isVariable(variable) {
            throw SandboxError(message: "the sandbox policy has a malformed environment entry (NAME=value expected)")
        }
    }
}

extension SandboxPolicy.Limits {
    var json: JSONValue {
        var members: [String: JSONValue] = [:]
        if let cpuSeconds { members["cpuSeconds"] = .int(Int64(cpuSeconds)) }
        if let addressSpaceBytes { members["addressSpaceBytes"] = .int(Int64(addressSpaceBytes)) }
        if let openFiles { members["openFiles"] = .int(Int64(openFiles)) }
        if let processes { members["processes"] = .int(Int64(processes)) }
        if let fileSizeBytes { members["fileSizeBytes"] = .int(Int64(fileSizeBytes)) }
        return .object(members)
    }

    init(_ value: JSONValue) throws(SandboxError) {
        let fields = PolicyFields(value, prefix: "limits.")
        self.init(
            cpuSeconds: try fields.count("cpuSeconds"),
            addressSpaceBytes: try fields.count("addressSpaceBytes"),
            openFiles: try fields.count("openFiles"),
            processes: try fields.count("processes"),
            fileSizeBytes: try fields.count("fileSizeBytes")
        )
    }
}

extension SandboxPolicy.UserIdentity {
    init(_ value: JSONValue) throws(SandboxError) {
        let fields = PolicyFields(value, prefix: "user.")
        guard let uid = try fields.count("uid"), let gid = try fields.count("gid") else {
            throw SandboxError(message: "the sandbox policy's \"user\" needs \"uid\" and \"gid\"")
        }
        var groups: [UInt32] = []
        for group in try fields.array("groups") {
            guard let id = group.intValue, let narrow = UInt32(exactly: id) else {
                throw SandboxError(message: "the sandbox policy's \"user.groups\" must hold group ids")
            }
            groups.append(narrow)
        }
        guard let uid = UInt32(exactly: uid), let gid = UInt32(exactly: gid) else {
            throw SandboxError(message: "the sandbox policy's \"user\" ids are out of range")
        }
        self.init(uid: uid, gid: gid, groups: groups)
    }
}

/// Typed access to the members of one policy object, each failure naming the field.
private struct PolicyFields {
    let members: [String: JSONValue]
    let prefix: String
    let isObject: Bool

    init(_ value: JSONValue, prefix: String = "") {
        if case .object(let members) = value {
            (self.members, isObject) = (members, true)
        } else {
            (self.members, isObject) = ([:], false)
        }
        self.prefix = prefix
    }

    func fail(_ key: String, _ expected: String) -> SandboxError {
        SandboxError(message: "the sandbox policy's \"\(prefix)\(key)\" must be \(expected)")
    }

    func value(_ key: String) throws(SandboxError) -> JSONValue {
        guard isObject, let value = members[key] else { throw fail(key, "present") }
        return value
    }

    func optional(_ key: String) throws(SandboxError) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws(SandboxError) -> String {
        guard let text = try value(key).stringValue, !text.utf8.contains(0) else {
            throw fail(key, "a string without NUL")
        }
        return text
    }

    func path(_ key: String) throws(SandboxError) -> String {
        let text = try string(key)
        guard text.utf8.first == UInt8(ascii: "/") else { throw fail(key, "an absolute path") }
        return text
    }

    func array(_ key: String) throws(SandboxError) -> [JSONValue] {
        guard let elements = try value(key).arrayValue else { throw fail(key, "an array") }
        return elements
    }

    func strings(_ key: String) throws(SandboxError) -> [String] {
        var result: [String] = []
        for element in try array(key) {
            guard let text = element.stringValue, !text.utf8.contains(0) else { throw fail(key, "strings without NUL") }
            result.append(text)
        }
        return result
    }

    func paths(_ key: String) throws(SandboxError) -> [String] {
        let result = try strings(key)
        guard result.allSatisfy({ $0.utf8.first == UInt8(ascii: "/") }) else { throw fail(key, "absolute paths") }
        return result
    }

    func bool(_ key: String) throws(SandboxError) -> Bool {
        guard let flag = try value(key).boolValue else { throw fail(key, "true or false") }
        return flag
    }

    /// A non-negative integer, or `nil` when absent.
    func count(_ key: String) throws(SandboxError) -> Int? {
        guard let value = try optional(key) else { return nil }
        guard let number = value.intValue, number >= 0, let count = Int(exactly: number) else {
            throw fail(key, "a non-negative integer")
        }
        return count
    }
}
