import ArgumentParser
import Bastion
import BastionResources
import BastionSecurity
import Logging

/// `bastion sandbox-check [--config FILE]`: what the kernel offers for sandboxing, and whether the
/// configuration's `require_sandbox` can be met for every client that may run code.
struct SandboxCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox-check",
        abstract: "Report the kernel's sandboxing features; fail when the configuration's requirements are not met.",
        discussion: """
            Detects Landlock (and its ABI), seccomp, unprivileged user namespaces, network namespaces \
            and cgroups. Exits 1 when a feature in [server] require_sandbox (default: landlock, \
            seccomp) is missing and a client may run commands or code.
            """
    )

    @Option(help: ArgumentHelp("Configuration file (TOML); without it, the embedded default.", valueName: "file"))
    var config: String?

    func run() throws {
        let environment = ProcessEnvironment.current()
        var configuration = BastionConfiguration.embeddedDefault(environment: environment)
        if let config {
            do {
                configuration = try BastionConfiguration.load(
                    path: config,
                    environment: environment,
                    customPermissions: BastionServer.builtInCustomPermissions
                )
            } catch {
                throw CommandFailure(error.description)
            }
        }
        let support = KernelSandboxSupport.detect()
        print(Self.report(support), terminator: "")
        let verdict = Self.verdict(support, configuration: configuration)
        print(verdict.text)
        if !verdict.isMet { throw ExitCode(1) }
    }

    /// The feature-by-feature report.
    static func report(_ support: KernelSandboxSupport) -> String {
        func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }
        let landlock = support.landlockABI.map { abi in
            "ABI \(abi)" + (abi >= 4 ? ", TCP bind/connect" : ", no TCP rules (ABI < 4)")
                + (abi >= 6 ? ", signal and abstract-socket scopes" : ", no scopes (ABI < 6)")
        }
        let cgroup = support.cgroup.version.map { "v\($0), " + (support.cgroup.isWritable ? "writable" : "read-only") }
        return """
            landlock: \(landlock ?? "no")
            seccomp: \(yes(support.seccomp))
            userns: \(yes(support.unprivilegedUserNamespaces)) (unprivileged user namespaces)
            netns: \(yes(support.networkNamespace)) (private network namespace for restricted code)
            cgroup: \(cgroup ?? "no")
            user: \(support.isRoot ? "root (children drop to each client's run_as user)" : "unprivileged")

            """
    }

    /// Whether `require_sandbox` is met, and the line saying so.
    static func verdict(
        _ support: KernelSandboxSupport,
        configuration: BastionConfiguration
    ) -> (isMet: Bool, text: String) {
        let required = configuration.server.requireSandbox
        let missing = support.missing(required)
        let names = required.map(\.rawValue).joined(separator: ", ")
        guard !missing.isEmpty else { return (true, "require_sandbox [\(names)]: met") }
        let runners = configuration.clients.filter { client in
            !client.readOnly && client.permissions.contains { [.codeExecution, .codeExecutionSudo].contains($0.kind) }
        }
        let absent = missing.map(\.rawValue).joined(separator: ", ")
        guard !runners.isEmpty else {
            return (true, "require_sandbox [\(names)]: missing \(absent), but no client may run code")
        }
        let clients = runners.map(\.id).joined(separator: ", ")
        return (false, "require_sandbox [\(names)]: missing \(absent); clients that cannot run code: \(clients)")
    }

    /// Detects the kernel's support once at start and says so in one stderr line (plus a warning
    /// when `require_sandbox` is not met).
    /// With `cgroups` (the server's manager, or `nil` when none could start), the cgroup line says
    /// what runs actually get.
    static func announce(
        configuration: BastionConfiguration,
        logger: Logger,
        cgroups: CgroupManager?
    ) -> KernelSandboxSupport {
        var support = KernelSandboxSupport.detect()
        support.cgroup = .init(version: cgroups?.version ?? support.cgroup.version, isWritable: cgroups != nil)
        logger.info("Kernel sandboxing", metadata: ["sandbox.kernel": "\(support.summary)"])
        let missing = support.missing(configuration.server.requireSandbox)
        if !missing.isEmpty {
            logger.warning(
                "Commands and code will not run: require_sandbox names features the kernel lacks",
                metadata: ["sandbox.missing": "\(missing.map(\.rawValue).joined(separator: ","))"]
            )
        }
        for warning in configuration.clients.compactMap(\.runAsWarning) {
            logger.warning("Children keep uid 0", metadata: ["client.run_as": "\(warning)"])
        }
        let launcher = SandboxLauncher.fromEnvironment
        if launcher.isOverridden {
            // A stand-in applies whatever it applies (the test one: nothing). Never silent.
            logger.warning(
                "Children are NOT started through Bastion's own sandbox-exec: \(SandboxLauncher.overrideVariable) is set",
                metadata: ["sandbox.launcher": "\(launcher.executable)"]
            )
        }
        return support
    }
}
