import BastionProtocol

extension SandboxReport {
    /// The report as the JSON object of the `applied` status line.
    public func encoded() -> [UInt8] { JSONWriter.encode(json) }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "landlock": landlockABI.map { abi in
                .object([
                    "abi": .int(Int64(abi)), "tcp": .bool(landlockRestrictsTCP),
                    "scoped": .bool(landlockScopesSignals),
                ])
            } ?? .null,
            "seccomp": .bool(seccomp),
            "network": .array(network.map { .string($0.rawValue) }),
            "userNamespace": .bool(userNamespace),
            "limits": .array(limits.map(JSONValue.string)),
            "cgroups": .array(cgroups.map(JSONValue.string)),
            "hiddenPaths": .array(hiddenPaths.map(JSONValue.string)),
            "omittedPaths": .array(
                omittedPaths.map { .object(["path": .string($0.path), "reason": .string($0.reason)]) }
            ),
            "features": .array(features.sorted().map { .string($0.rawValue) }),
            "minimalRoot": .bool(minimalRoot),
            "privateProc": .bool(privateProc),
            "preparedAhead": .bool(preparedAhead),
        ]
        if let user {
            members["user"] = .object([
                "uid": .int(Int64(user.uid)), "gid": .int(Int64(user.gid)),
                "groups": .array(user.groups.map { .int(Int64($0)) }),
            ])
        }
        return .object(members)
    }

    /// Decodes the JSON object of an `applied` line. Unknown members are ignored (a newer child).
    /// - Throws: ``SandboxError`` when the document is not a report.
    public init(decoding bytes: [UInt8]) throws(SandboxError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw SandboxError(message: "the sandbox report is not valid JSON: \(error)")
        }
        guard case .object(let members) = document, let seccomp = members["seccomp"]?.boolValue else {
            throw SandboxError(message: "the sandbox report is not an object with \"seccomp\"")
        }
        self.init(seccomp: seccomp)
        if case .object(let landlock)? = members["landlock"] {
            landlockABI = landlock["abi"]?.intValue.flatMap { Int(exactly: $0) }
            landlockRestrictsTCP = landlock["tcp"]?.boolValue ?? false
            landlockScopesSignals = landlock["scoped"]?.boolValue ?? false
        }
        network = Self.strings(members["network"]).compactMap(NetworkRestriction.init(rawValue:))
        userNamespace = members["userNamespace"]?.boolValue ?? false
        limits = Self.strings(members["limits"])
        cgroups = Self.strings(members["cgroups"])
        hiddenPaths = Self.strings(members["hiddenPaths"])
        minimalRoot = members["minimalRoot"]?.boolValue ?? false
        privateProc = members["privateProc"]?.boolValue ?? false
        preparedAhead = members["preparedAhead"]?.boolValue ?? false
        omittedPaths = (members["omittedPaths"]?.arrayValue ?? []).compactMap { entry in
            guard case .object(let fields) = entry, let path = fields["path"]?.stringValue else { return nil }
            return OmittedPath(path: path, reason: fields["reason"]?.stringValue ?? "")
        }
        if case .object(let user)? = members["user"], let uid = user["uid"]?.intValue.flatMap(UInt32.init(exactly:)),
            let gid = user["gid"]?.intValue.flatMap(UInt32.init(exactly:))
        {
            let groups = (user["groups"]?.arrayValue ?? []).compactMap { $0.intValue.flatMap(UInt32.init(exactly:)) }
            self.user = SandboxPolicy.UserIdentity(uid: uid, gid: gid, groups: groups)
        }
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
