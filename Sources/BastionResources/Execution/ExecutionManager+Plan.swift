import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

/// A checked request: the policy to give `sandbox-exec`, and the code file to remove afterwards.
struct ExecutionPlan {
    var policy: SandboxPolicy
    var excludedWriteRoots: [String]
    var code: (language: String, sha256: String)?
    /// The code directory (a descriptor of it) and the code file's name in it, for `run_code`.
    var codeFile: (directory: Int32, name: String)?

    mutating func removeCodeFile() {
        guard let (directory, name) = codeFile else { return }
        _ = unlinkat(directory, name, 0)
        close(directory)
        codeFile = nil
    }
}

extension ExecutionManager {
    /// The most arguments, and the most bytes in them, a command may have.
    static let maximumArguments = 4_096
    static let maximumArgumentBytes = 512 * 1024

    /// Address space some runtimes reserve at start without using it, added to `memory_mb` in
    /// `RLIMIT_AS` (which counts reservations, not memory): V8 (node) needs about 800 MiB before it
    /// runs a line, so with the default 512 MiB node could never start.
    static let addressSpaceAllowances: [String: Int] = ["node": 1 << 30, "nodejs": 1 << 30]

    /// The allowance for an executable, by the last component of its canonical path.
    static func addressSpaceAllowance(_ executable: String) -> Int {
        guard let (_, name) = PathBytes.splitLast(executable) else { return 0 }
        return addressSpaceAllowances[name] ?? 0
    }

    /// Checks every part of a request against the client's rights and builds its policy.
    func makePlan(_ request: ExecutionRequest, client: ClientContext) throws(ExecutionError) -> ExecutionPlan {
        let isUnrestricted = client.permissions.contains(.codeExecution(unrestricted: true))
        if request.sudo { try checkSudo(client) }
        let user = childUser(client, sudo: request.sudo)
        let workingDirectory = try authorizeWorkingDirectory(request.cwd, client: client)
        let temporaryPath = client.workdir + "/.tmp"
        var plan = ExecutionPlan(
            policy: SandboxPolicy(executable: "/", arguments: ["/"], workingDirectory: workingDirectory),
            excludedWriteRoots: []
        )
        plan.policy.user = user.map { SandboxPolicy.UserIdentity(uid: $0.uid, gid: $0.gid, groups: $0.groups) }
        switch request.program {
        case .command(let argv):
            let executable = try authorizeCommand(argv, client: client)
            plan.policy.executable = executable
            plan.policy.arguments = argv
        case .code(let language, let source):
            guard client.permissions.contains(where: { $0.kind == .codeExecution }) else {
                throw ExecutionError(
                    .denied,
                    "Permission denied: run_code requires the permission \"code_execution\", which this client does not hold",
                    denial: PermissionDenial(permission: "code_execution", target: language, rule: .missingGrant)
                )
            }
            guard let interpreter = interpreters[language] else {
                let available = interpreters.keys.sorted().joined(separator: ", ")
                throw ExecutionError(
                    .notFound,
                    "unknown language \"\(ExecutionEnvironment.shown(language))\"; available: \(available.isEmpty ? "none" : available)"
                )
            }
            plan.code = (language, Self.sha256(Array(source.utf8)))
            plan.policy.executable = interpreter
        }
        plan.policy.environment = try ExecutionEnvironment.make(
            workdir: client.workdir,
            temporary: temporaryPath,
            extra: request.environment,
            server: { name in getenv(name).map { String(cString: $0) } }
        )
        // Node resolves `require` from the script's directory, which is the server's code
        // directory now: the workdir's modules stay found (review 10, finding 10).
        if case .code = request.program, let (_, name) = PathBytes.splitLast(plan.policy.executable),
            name == "node" || name == "nodejs",
            !plan.policy.environment.contains(where: { $0.hasPrefix("NODE_PATH=") })  // path-bytes: a variable name
        {
            plan.policy.environment.append("NODE_PATH=\(client.workdir)/node_modules")
        }
        plan.policy.limits = SandboxPolicy.Limits(
            cpuSeconds: client.limits.cpuSeconds,
            addressSpaceBytes: client.limits.memoryMB * 1_048_576 + Self.addressSpaceAllowance(plan.policy.executable),
            openFiles: client.limits.openFiles,
            processes: client.limits.processes,
            fileSizeBytes: fileSizeLimitBytes
        )
        var reads = readRoots
        // The workdir and the executable. Never the working directory's subtree: a grant is a set of
        // globs with `deny` exceptions, which a Landlock rule (a whole subtree) cannot express, so a
        // `cwd` elsewhere is entered (before Landlock) but not opened up (review 4, finding 2).
        for extra in [client.workdir, plan.policy.executable]
        where !reads.contains(where: { PathBytes.isWithin(extra, $0) }) {
            reads.append(extra)
        }
        // The client's code directory, in every run of a client that may run code (not only its
        // code runs): one policy for both, so that a prepared `sandbox-exec` fits either.
        if client.permissions.contains(where: { $0.kind == .codeExecution }) {
            reads.append(try codeDirectory.clientDirectory(client.id).path)
        }
        plan.policy.readPaths = reads
        let (writes, excluded) = writeScope(client, isUnrestricted: isUnrestricted, user: user)
        plan.policy.writePaths = writes
        plan.excludedWriteRoots = excluded
        // The child's root holds only its read and write paths: a working directory elsewhere
        // would not exist there (and Landlock would open nothing beneath it anyway, review 4, F2).
        guard (reads + writes).contains(where: { PathBytes.isWithin(workingDirectory, $0) }) else {
            throw ExecutionError(
                .invalidRequest,
                "cwd \(workingDirectory) is outside what the program can see: its workdir, the system directories "
                    + "and, for unrestricted code, the granted write roots"
            )
        }
        plan.policy.restrictsNetwork = !isUnrestricted
        plan.policy.required = requiredFeatures
        plan.policy.hiddenPaths = hiddenPaths
        plan.policy.minimalRoot = true
        plan.policy.rootLinks = ExecutableResolver.systemLinks
        // Last, once nothing else can fail: the `.tmp` directory (`TMPDIR`), and the code file,
        // outside the workdir, where no child can replace it (review 9, finding 7).
        close(try Self.temporaryDirectory(of: client.workdir).directory)
        guard case .code(let language, let source) = request.program, !request.isInteractive else {
            if case .code(let language, _) = request.program {
                plan.policy.arguments = [language] + Self.interactiveFlags(language)
            }
            return plan
        }
        let (directory, path) = try codeDirectory.write(
            Array(source.utf8),
            readableBy: plan.policy.user?.uid,
            client: client.id
        )
        plan.codeFile = (directory, PathBytes.splitLast(path)?.name ?? path)
        plan.policy.arguments = [language, path]
        return plan
    }

    /// The options that make an interpreter a REPL on a pipe: interactive even though stdin is no
    /// terminal, output unbuffered so each answer can be read at once, no banner.
    static func interactiveFlags(_ language: String) -> [String] {
        switch language {
        case "python3", "python": return ["-q", "-u", "-i"]
        case "node", "nodejs": return ["-i"]
        case "sh", "bash", "dash", "zsh": return ["-i"]
        default: return []
        }
    }

    /// `sudo: true`: needs `code_execution_sudo`, and a server running as root (children run with
    /// `no_new_privs`, under which a set-uid `sudo` cannot gain anything).
    func checkSudo(_ client: ClientContext) throws(ExecutionError) {
        guard client.permissions.contains(.codeExecutionSudo) else {
            throw ExecutionError(
                .denied,
                "Permission denied: sudo: true requires the permission \"code_execution_sudo\", which this client does not hold",
                denial: PermissionDenial(permission: "code_execution_sudo", target: "sudo", rule: .missingGrant)
            )
        }
        guard geteuid() == 0 else {
            throw ExecutionError(
                .denied,
                "sudo: true is not available: the server does not run as root, and sandboxed children run with "
                    + "no_new_privs, under which sudo cannot gain privileges"
            )
        }
    }

    /// The user the child switches to: the client's `run_as` on a root server, unless `sudo: true`
    /// (checked already), which keeps uid 0. `nil` keeps the server's user (not root;
    /// `run_as = "root"`; or a context made without one — `bastion serve` refuses to start as
    /// root with a client that has none, see `BastionConfiguration.runAsProblem`).
    func childUser(_ client: ClientContext, sudo: Bool) -> SystemUser? {
        guard geteuid() == 0, !sudo, let user = client.runAs, user.uid != 0 else { return nil }
        return user
    }

    /// `argv[0]` resolved on the system `PATH` and checked against the client's `system_command` grants
    /// by name (a bare name) and by canonical path.
    func authorizeCommand(_ argv: [String], client: ClientContext) throws(ExecutionError) -> String {
        guard let name = argv.first, !name.isEmpty else {
            throw ExecutionError(.invalidRequest, "\"command\" must hold at least the program to run (argv[0])")
        }
        guard argv.count <= Self.maximumArguments,
            argv.reduce(0, { $0 + $1.utf8.count + 1 }) <= Self.maximumArgumentBytes
        else {
            throw ExecutionError(
                .invalidRequest,
                "\"command\" is too long (at most \(Self.maximumArguments) arguments, 512 KiB)"
            )
        }
        guard !argv.contains(where: { $0.utf8.contains(0) }) else {
            throw ExecutionError(.invalidRequest, "an argument of \"command\" contains a NUL byte")
        }
        guard let executable = ExecutableResolver.resolve(name) else {
            throw ExecutionError(
                .notFound,
                "no executable \"\(ExecutionEnvironment.shown(name))\" (bare names are looked up on \(ExecutionEnvironment.systemPath); "
                    + "otherwise give an absolute path)"
            )
        }
        let access = PermissionManager.Access.execute(command: name)
        let decision = client.check(access, canonicalPath: executable)
        guard decision.isAllowed else {
            throw ExecutionError(
                .denied,
                decision.reason(action: access.verb) ?? "Permission denied",
                denial: PermissionDenial(decision, access: access)
            )
        }
        return executable
    }

    /// The canonical working directory: the workdir, or a directory the client may read inside its
    /// scope, opened beneath its root (no link out).
    func authorizeWorkingDirectory(_ cwd: String?, client: ClientContext) throws(ExecutionError) -> String {
        guard let cwd else { return client.workdir }
        do {
            let target = try files.authorize(cwd, for: .read, client: client)
            _ = try files.open(target, flags: O_RDONLY | O_DIRECTORY)
            return target.path
        } catch {
            let code: ExecutionError.Code = error.denial == nil ? .notFound : .denied
            throw ExecutionError(code, "cwd: \(error.message)", denial: error.denial)
        }
    }
}
