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

    /// The privacy of a shared workdir is re-read whenever its inode changes: an ACL loosened
    /// after calls that passed (and were remembered) is refused at the next call.
    @Test func anACLLoosenedAfterPassingCallsIsRefused() throws {
        let nobody = SystemUser(name: "nobody", uid: 65534, gid: 65534, groups: [65534])
        guard geteuid() != nobody.uid else { return }
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o700)
        do {
            try WorkdirProvisioner.verify(workdir, sharedWith: nobody, repair: true)
        } catch {
            guard error.message.contains("POSIX ACL") else { throw error }
            return  // no ACLs on this file system
        }
        let validator = WorkdirSandboxValidator()
        let shared = ClientContext(
            identity: ClientIdentity(clientID: "claude", transport: "stdio", method: .stdioProcess),
            permissions: [.fileRead(glob: nil)],
            workdir: workdir,
            limits: ResourceLimits(),
            runAs: nobody
        )
        #expect(validator.validate(tool: "echo", arguments: [:], client: shared) == nil)
        #expect(validator.validate(tool: "echo", arguments: [:], client: shared) == nil)
        var looser = PosixACL.sharedWorkdir(uid: nobody.uid)
        looser.entries.append(.init(.user, 7, id: 4242))
        let directory = open(workdir, O_RDONLY | O_DIRECTORY)
        defer { close(directory) }
        try PosixACL(looser.entries).write(descriptor: directory, .access)
        #expect(validator.validate(tool: "echo", arguments: [:], client: shared) != nil)
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
