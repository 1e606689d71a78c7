import BastionProtocol
import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct WorkdirSandboxValidatorTests {
    private func client(workdir: String) -> ClientContext {
        ClientContext(
            identity: ClientIdentity(clientID: "claude", transport: "stdio", method: .stdioProcess),
            permissions: [.fileRead(glob: nil)],
            workdir: workdir,
            limits: ResourceLimits()
        )
    }

    private func validate(_ validator: WorkdirSandboxValidator, _ workdir: String) -> String? {
        validator.validate(tool: "echo", arguments: ["text": "hi"], client: client(workdir: workdir))
    }

    @Test func aPrivateWorkdirPassesEveryTime() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try WorkdirProvisioner.provision(workdir)
        let validator = WorkdirSandboxValidator()
        #expect(validate(validator, workdir) == nil)
        #expect(validate(validator, workdir) == nil)
    }

    @Test func aMissingWorkdirIsRefusedWithTheReason() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("gone")
        let refusal = try #require(validate(WorkdirSandboxValidator(), workdir))
        #expect(refusal.contains("sandbox is not usable"))
        #expect(refusal.contains(workdir))
    }

    @Test func aLooseWorkdirIsRefusedAndNotRepaired() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o755)
        #expect(validate(WorkdirSandboxValidator(), workdir)?.contains(workdir) == true)
        #expect(ScratchDirectory.mode(of: workdir) == 0o755)
    }

    @Test func aWorkdirLoosenedAfterAFirstCallIsRefused() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try WorkdirProvisioner.provision(workdir)
        let validator = WorkdirSandboxValidator()
        #expect(validate(validator, workdir) == nil)
        #expect(chmod(workdir, 0o755) == 0)
        #expect(validate(validator, workdir) != nil)
        #expect(ScratchDirectory.mode(of: workdir) == 0o755)
    }

    @Test func aWorkdirRemovedAfterAFirstCallIsRefused() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try WorkdirProvisioner.provision(workdir)
        let validator = WorkdirSandboxValidator()
        #expect(validate(validator, workdir) == nil)
        #expect(rmdir(workdir) == 0)
        #expect(validate(validator, workdir) != nil)
    }

    @Test func aWorkdirRecreatedAfterRemovalPassesAgain() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try WorkdirProvisioner.provision(workdir)
        let validator = WorkdirSandboxValidator()
        #expect(validate(validator, workdir) == nil)
        #expect(rmdir(workdir) == 0)
        try WorkdirProvisioner.provision(workdir)
        #expect(validate(validator, workdir) == nil)
    }

    @Test func aWorkdirThatIsASymbolicLinkIsRefused() throws {
        let scratch = try ScratchDirectory()
        let real = scratch.file("real")
        try WorkdirProvisioner.provision(real)
        let workdir = scratch.file("w")
        try FileManager.default.createSymbolicLink(atPath: workdir, withDestinationPath: real)
        #expect(validate(WorkdirSandboxValidator(), workdir) != nil)
    }

    @Test
    func aWorkdirSwappedForASymbolicLinkAfterAFirstCallIsRefused() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try WorkdirProvisioner.provision(workdir)
        let validator = WorkdirSandboxValidator()
        #expect(validate(validator, workdir) == nil)
        let elsewhere = scratch.file("elsewhere")
        try WorkdirProvisioner.provision(elsewhere)
        #expect(rename(workdir, scratch.file("moved")) == 0)
        try FileManager.default.createSymbolicLink(atPath: workdir, withDestinationPath: elsewhere)
        #expect(validate(validator, workdir) != nil)
    }

    @Test func eachClientsWorkdirIsCheckedOnItsOwn() throws {
        let scratch = try ScratchDirectory()
        let good = scratch.file("good")
        let bad = scratch.file("bad")
        try WorkdirProvisioner.provision(good)
        try ScratchDirectory.makeDirectory(bad, mode: 0o777)
        let validator = WorkdirSandboxValidator()
        #expect(validate(validator, good) == nil)
        #expect(validate(validator, bad) != nil)
        #expect(validate(validator, good) == nil)
    }
}
