import BastionSecurity

extension ClientConfiguration {
    /// The keys of a `[[clients]]` table.
    static let tomlKeys = [
        "id", "workdir", "permissions", "limits", "auth", "deny", "approval", "approval_channel", "isolation",
        "read_only", "run_as",
    ]

    /// Reads one `[[clients]]` table. A client without `permissions` gets none.
    static func decode(_ reader: TOMLTableReader) throws(ConfigurationError) -> ClientConfiguration {
        let context = reader.context
        try reader.checkKeys(tomlKeys)
        let id = try reader.requiredString("id")
        guard isValidID(id) else {
            throw context.error(
                .invalidValue,
                at: reader.path.appending("id"),
                "invalid client id \(TOMLString.quoted(id)); expected 1 to 64 characters from [A-Za-z0-9_.-]"
            )
        }
        var client = ClientConfiguration(id: id, workdir: context.paths.defaultWorkdir(clientID: id))
        if let workdir = try reader.string("workdir") {
            client.workdir = try context.resolvePath(workdir, at: reader.path.appending("workdir"))
        }
        for element in try reader.stringArray("permissions") ?? [] {
            let permission: Permission
            do {
                permission = try Permission(parsing: element.value)
            } catch {
                throw context.error(.invalidValue, at: element.path, error.message)
            }
            let expanded = permission.expandingTilde(home: context.paths.home)
            try checkArgument(of: expanded, workdir: client.workdir, at: element.path, context: context)
            client.permissions.append(expanded)
        }
        client.limits = try ResourceLimits.decode(reader.table("limits"))
        client.auth = try ClientAuthConfiguration.decode(reader.table("auth"))
        for element in try reader.stringArray("deny") ?? [] {
            let glob = context.paths.expandingTilde(element.value)
            try context.compileGlob(glob, relativeTo: client.workdir, at: element.path)
            client.deny.append(glob)
        }
        if let approval = try reader.choice("approval", as: ApprovalPolicy.self) { client.approval = approval }
        if let channel = try reader.choice("approval_channel", as: ApprovalChannel.self) {
            client.approvalChannel = channel
        }
        if let isolation = try reader.choice("isolation", as: IsolationMode.self) {
            client.isolation = isolation
        }
        if let readOnly = try reader.bool("read_only") { client.readOnly = readOnly }
        switch resolveRunAs(try reader.string("run_as"), serverUID: context.paths.serverUID) {
        case .success(let user): client.runAs = user
        case .failure(let problem):
            throw context.error(.invalidValue, at: reader.path.appending("run_as"), problem.message)
        }
        return client
    }

    /// Checks what the permission checker will compile from a grant: its glob or pattern, and that
    /// a `custom:NAME` is declared by a registered module.
    private static func checkArgument(
        of permission: Permission,
        workdir: String,
        at path: ConfigKeyPath,
        context: ConfigurationDecodingContext
    ) throws(ConfigurationError) {
        switch permission {
        case .fileRead(let glob?), .fileWrite(let glob?), .fileWriteGlobal(let glob):
            try context.compileGlob(glob, relativeTo: workdir, at: path)
        case .systemCommand(let pattern):
            let glob = PathBytes.containsSlash(pattern) ? pattern : "/" + pattern
            try context.compileGlob(glob, relativeTo: workdir, at: path)
        case .custom(let name):
            guard let declared = context.customPermissions, !declared.contains(name) else { return }
            let known =
                declared.isEmpty ? "no module declares any" : "declared: " + declared.sorted().joined(separator: ", ")
            throw context.error(
                .invalidValue,
                at: path,
                "unknown permission \"custom:\(name)\": no registered module declares it (\(known))"
            )
        case .fileRead(nil), .fileWrite(nil), .codeExecution, .codeExecutionSudo:
            return
        }
    }
}
