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
