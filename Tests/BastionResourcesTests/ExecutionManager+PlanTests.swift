import BastionSecurity
import Testing

@testable import BastionResources

struct ExecutionManagerPlanTests {
    private func plan(_ argv: [String], grants: [Permission]) throws -> Result<ExecutionPlan, ExecutionError> {
        let fixture = try ExecutionFixture(permissions: [.fileRead(glob: nil)] + grants)
        do {
            var plan = try fixture.manager.makePlan(ExecutionRequest(program: .command(argv)), client: fixture.client)
            plan.removeCodeFile()
            return .success(plan)
        } catch {
            return .failure(error)
        }
    }

    @Test func echoIsAllowedByItsNameGrantOnTheResolvedExecutable() throws {
        let policy = try plan(["echo", "x"], grants: [.systemCommand(pattern: "echo")]).get().policy
        #expect(policy.executable == "/usr/bin/echo")
        #expect(policy.arguments == ["echo", "x"])
        #expect(policy.environment.contains("PATH=\(ExecutionEnvironment.systemPath)"))
        #expect(policy.restrictsNetwork)
        #expect(policy.required == ["landlock", "seccomp"])
        #expect(policy.readPaths.contains("/usr"))
    }

    @Test(arguments: [["rm", "x"], ["/bin/rm", "x"], ["/usr/bin/rm", "x"], ["env", "rm"], ["sh", "-c", "rm x"], ["/bin/echo"]])
    func argvZeroDecidesAndOnlyEchoIsGranted(_ argv: [String]) throws {
        guard case .failure(let error) = try plan(argv, grants: [.systemCommand(pattern: "echo")]) else {
            Issue.record("\(argv) was allowed")
            return
        }
        #expect(error.code == .denied)
        #expect(error.denial?.permission.hasPrefix("system_command:") == true)
    }

    @Test func aPathGrantAllowsTheCanonicalPath() throws {
        let policy = try plan(["/bin/echo", "x"], grants: [.systemCommand(pattern: "/usr/bin/echo")]).get().policy
        #expect(policy.executable == "/usr/bin/echo")
    }

    @Test(arguments: [[], [""], ["no-such-program-anywhere"], ["relative/prog"], ["echo", "a\u{0}b"]])
    func malformedOrMissingCommandsAreRefused(_ argv: [String]) throws {
        guard case .failure(let error) = try plan(argv, grants: [.systemCommand(pattern: "*")]) else {
            Issue.record("\(argv) was allowed")
            return
        }
        #expect(error.code == .invalidRequest || error.code == .notFound)
    }

    @Test func runCodeNeedsCodeExecution() throws {
        let fixture = try ExecutionFixture(permissions: [.fileRead(glob: nil), .systemCommand(pattern: "*")])
        #expect(throws: ExecutionError.self) {
            try fixture.manager.makePlan(ExecutionRequest(program: .code(language: "sh", source: "")), client: fixture.client)
        }
    }

    @Test func sudoNeedsItsPermission() throws {
        let fixture = try ExecutionFixture(permissions: [.fileRead(glob: nil), .systemCommand(pattern: "*")])
        do {
            _ = try fixture.manager.makePlan(ExecutionRequest(program: .command(["true"]), sudo: true), client: fixture.client)
            Issue.record("sudo was allowed")
        } catch {
            #expect(error.code == .denied)
            #expect(error.message.contains("code_execution_sudo"))
        }
    }

    @Test func aWorkingDirectoryOutsideTheScopeOrMissingIsRefused() throws {
        let fixture = try ExecutionFixture(permissions: [.fileRead(glob: nil), .systemCommand(pattern: "*")])
        for cwd in ["/etc", "missing", "../"] {
            #expect(throws: ExecutionError.self) {
                try fixture.manager.makePlan(ExecutionRequest(program: .command(["true"]), cwd: cwd), client: fixture.client)
            }
        }
        try ScratchDirectory.makeDirectory(fixture.workdir + "/sub", mode: 0o700)
        var plan = try fixture.manager.makePlan(ExecutionRequest(program: .command(["true"]), cwd: "sub"), client: fixture.client)
        plan.removeCodeFile()
        #expect(plan.policy.workingDirectory == fixture.workdir + "/sub")
    }

    @Test func theLimitsComeFromTheClient() throws {
        var limits = ResourceLimits()
        limits.memoryMB = 3
        limits.cpuSeconds = 7
        let fixture = try ExecutionFixture(limits: limits)
        let plan = try fixture.manager.makePlan(ExecutionRequest(program: .code(language: "sh", source: "")), client: fixture.client)
        var copy = plan
        copy.removeCodeFile()
        #expect(plan.policy.limits.addressSpaceBytes == 3 * 1_048_576)
        #expect(plan.policy.limits.cpuSeconds == 7)
        #expect(plan.policy.limits.fileSizeBytes == 1 << 30)
    }

    @Test func nodeGetsAddressSpaceForWhatV8ReservesAndOthersDoNot() {
        #expect(ExecutionManager.addressSpaceAllowance("/usr/bin/node") == 1 << 30)
        #expect(ExecutionManager.addressSpaceAllowance("/usr/bin/dash") == 0)
        #expect(ExecutionManager.addressSpaceAllowance("/opt/node/bin/nodejs") == 1 << 30)
    }

    /// Review 4, finding 2: a Landlock rule is a whole subtree, which would open the cwd past the
    /// grant's `deny` globs; and review 5, finding 1: a cwd outside the child's paths would have
    /// to be bound into its minimal root by path. Such a cwd is refused, saying why.
    @Test func aWorkingDirectoryInAnotherReadRootIsRefused() throws {
        let fixture = try ExecutionFixture(
            permissions: [.fileRead(glob: nil), .systemCommand(pattern: "*")],
            readRoot: "shared"
        )
        let shared = fixture.scratch.file("shared")
        #expect {
            _ = try fixture.manager.makePlan(ExecutionRequest(program: .command(["true"]), cwd: shared), client: fixture.client)
        } throws: { error in
            (error as? ExecutionError)?.message.contains("outside what the program can see") == true
        }
        var plan = try fixture.manager.makePlan(
            ExecutionRequest(program: .command(["true"]), cwd: fixture.workdir),
            client: fixture.client
        )
        plan.removeCodeFile()
        #expect(plan.policy.workingDirectory == fixture.workdir)
    }
}
