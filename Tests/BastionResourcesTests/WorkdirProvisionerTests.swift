import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct WorkdirProvisionerTests {
    @Test func provisionCreatesThePathAndMissingParentsWithMode0700() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("clients/claude/work")
        try WorkdirProvisioner.provision(workdir)
        #expect(ScratchDirectory.mode(of: scratch.file("clients")) == 0o700)
        #expect(ScratchDirectory.mode(of: scratch.file("clients/claude")) == 0o700)
        #expect(ScratchDirectory.mode(of: workdir) == 0o700)
    }

    @Test func provisionAcceptsAnExistingPrivateDirectory() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o700)
        try "data".write(toFile: workdir + "/keep.txt", atomically: false, encoding: .utf8)
        try WorkdirProvisioner.provision(workdir)
        #expect(ScratchDirectory.mode(of: workdir) == 0o700)
        #expect(FileManager.default.fileExists(atPath: workdir + "/keep.txt"))
    }

    @Test(arguments: [0o755, 0o750, 0o707, 0o777] as [mode_t])
    func provisionTightensALooserDirectoryTo0700(mode: mode_t) throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: mode)
        try WorkdirProvisioner.provision(workdir)
        #expect(ScratchDirectory.mode(of: workdir) == 0o700)
    }

    @Test func verifyWithRepairTightensTheMode() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o755)
        try WorkdirProvisioner.verify(workdir, repair: true)
        #expect(ScratchDirectory.mode(of: workdir) == 0o700)
    }

    @Test func verifyWithoutRepairRefusesAndLeavesTheModeAlone() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o755)
        let error = try #require(throws: SandboxError.self) { try WorkdirProvisioner.verify(workdir) }
        #expect(error.message.contains(workdir))
        #expect(error.message.contains("0700"))
        #expect(ScratchDirectory.mode(of: workdir) == 0o755)
    }

    @Test func verifyAcceptsAPrivateDirectory() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o700)
        try WorkdirProvisioner.verify(workdir)
    }

    @Test func aSymbolicLinkToADirectoryIsRefused() throws {
        let scratch = try ScratchDirectory()
        let real = scratch.file("real")
        try ScratchDirectory.makeDirectory(real, mode: 0o700)
        let link = scratch.file("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let error = try #require(throws: SandboxError.self) { try WorkdirProvisioner.provision(link) }
        #expect(error.message.contains(link))
        #expect(error.message.contains("symbolic link"))
        #expect(throws: SandboxError.self) { try WorkdirProvisioner.verify(link, repair: true) }
    }

    @Test func aRegularFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        let file = scratch.file("file")
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        let error = try #require(throws: SandboxError.self) { try WorkdirProvisioner.provision(file) }
        #expect(error.message.contains(file))
        #expect(error.message.contains("not a directory"))
    }

    @Test func aPathBelowARegularFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        let file = scratch.file("file")
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        #expect(throws: SandboxError.self) { try WorkdirProvisioner.provision(file + "/w") }
    }

    @Test(arguments: ["relative/work", "work", "./work", "~/work", ""])
    func aRelativePathIsRefusedWithoutCreatingAnything(path: String) throws {
        let before = FileManager.default.currentDirectoryPath
        let error = try #require(throws: SandboxError.self) { try WorkdirProvisioner.provision(path) }
        #expect(error.message.contains("not an absolute path"))
        #expect(FileManager.default.currentDirectoryPath == before)
        if !path.isEmpty { #expect(!FileManager.default.fileExists(atPath: path)) }
    }

    @Test func verifyOfAMissingPathNamesIt() throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.file("missing")
        let error = try #require(throws: SandboxError.self) { try WorkdirProvisioner.verify(missing) }
        #expect(error.message.contains(missing))
    }

    @Test(.enabled(if: geteuid() == 0, "changing a directory's owner needs root"))
    func aDirectoryOwnedBySomeoneElseIsRefused() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o700)
        #expect(chown(workdir, 12345, 12345) == 0)
        let error = try #require(throws: SandboxError.self) { try WorkdirProvisioner.provision(workdir) }
        #expect(error.message.contains("owned by uid 12345"))
    }
}

struct WorkdirProvisionerSharingTests {
    private let nobody = SystemUser(name: "nobody", uid: 65534, gid: 65534, groups: [65534])

    @Test func repairSharesTheWorkdirAndItsTmpWithExactlyTheUser() throws {
        guard geteuid() != nobody.uid else { return }
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o755)
        try ScratchDirectory.makeDirectory(workdir + "/.tmp", mode: 0o700)
        do {
            try WorkdirProvisioner.verify(workdir, sharedWith: nobody, repair: true)
        } catch {
            guard error.message.contains("POSIX ACL") else { throw error }
            return  // no ACLs on this file system
        }
        #expect(ScratchDirectory.mode(of: workdir) == 0o770)
        #expect(try PosixACL.read(path: workdir, .access) == PosixACL.sharedWorkdir(uid: nobody.uid))
        #expect(try PosixACL.read(path: workdir, .default) == PosixACL.sharedWorkdir(uid: nobody.uid))
        #expect(try PosixACL.read(path: workdir + "/.tmp", .access) == PosixACL.sharedWorkdir(uid: nobody.uid))
        try WorkdirProvisioner.verify(workdir, sharedWith: nobody)
    }

    @Test func aLooserAclIsRefusedWithoutRepair() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("w")
        try ScratchDirectory.makeDirectory(workdir, mode: 0o700)
        let directory = open(workdir, O_RDONLY | O_DIRECTORY)
        defer { close(directory) }
        var looser = PosixACL.sharedWorkdir(uid: nobody.uid)
        looser.entries.append(.init(.user, 7, id: 4242))
        looser = PosixACL(looser.entries)
        do {
            try looser.write(descriptor: directory, .access)
            try PosixACL.sharedWorkdir(uid: nobody.uid).write(descriptor: directory, .default)
        } catch {
            guard error.errno == EOPNOTSUPP else { throw error }
            return
        }
        let error = try #require(throws: SandboxError.self) {
            try WorkdirProvisioner.verify(workdir, sharedWith: nobody)
        }
        #expect(error.message.contains("uid 65534"))
    }

    @Test func provisionNamesTheAncestorTheUserCannotSearch() throws {
        guard geteuid() == 0 else { return }
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o700)
        let error = try #require(throws: SandboxError.self) {
            try WorkdirProvisioner.provision(scratch.file("a/work"), sharedWith: nobody)
        }
        #expect(error.message.contains("cannot be reached by nobody"))
        #expect(error.message.contains("0700"))
        // The directories it created are searchable, not listable.
        #expect(ScratchDirectory.mode(of: scratch.file("a")) == 0o711)
    }

    @Test func theServersOwnUserAndRootShareNothing() {
        #expect(WorkdirProvisioner.sharingUser(nil) == nil)
        #expect(WorkdirProvisioner.sharingUser(SystemUser(name: "root", uid: 0, gid: 0)) == nil)
        #expect(WorkdirProvisioner.sharingUser(SystemUser(name: "me", uid: geteuid(), gid: 0)) == nil)
        #expect(WorkdirProvisioner.sharingUser(nobody) == (geteuid() == nobody.uid ? nil : nobody))
    }
}
