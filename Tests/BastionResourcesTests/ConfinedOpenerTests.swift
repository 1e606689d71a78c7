import Foundation
import Testing

@testable import BastionResources

struct ConfinedOpenerTests {
    static let methods: [ConfinedOpener.Method] = [.openat2, .componentWalk]

    @Test func thisKernelHasOpenat2() {
        // The CI machines run Linux ≥ 5.6; the walk is still tested below as the fallback.
        #expect(ConfinedOpener.detected == .openat2)
    }

    @Test(arguments: methods)
    func aPlainPathBeneathTheDirectoryOpens(method: ConfinedOpener.Method) throws {
        let fixture = try FileSystemFixture(method: method)
        try fixture.write("hello", to: fixture.workdir + "/a/b.txt")
        let opener = ConfinedOpener(method: method)
        let root = try opener.openDirectory(fixture.workdir)
        let file = try opener.open("a/b.txt", beneath: root, flags: O_RDONLY, displayPath: "a/b.txt")
        #expect(try file.status().st_size == 5)
        let itself = try opener.open("", beneath: root, flags: O_RDONLY | O_DIRECTORY, displayPath: "work")
        #expect(try itself.status().st_mode & S_IFMT == S_IFDIR)
    }

    @Test(arguments: methods)
    func aSymlinkAnywhereInThePathIsRefused(method: ConfinedOpener.Method) throws {
        let fixture = try FileSystemFixture(method: method)
        try fixture.write("inside", to: fixture.workdir + "/real/file.txt")
        try fixture.symlink(fixture.workdir + "/inlink", to: fixture.workdir + "/real")
        try fixture.symlink(fixture.workdir + "/outlink", to: fixture.outside)
        try fixture.symlink(fixture.workdir + "/filelink", to: fixture.workdir + "/real/file.txt")
        let opener = ConfinedOpener(method: method)
        let root = try opener.openDirectory(fixture.workdir)
        for path in ["inlink/file.txt", "outlink/secret.txt", "filelink"] {
            let error = fileSystemError { () throws(FileSystemError) in
                try opener.open(path, beneath: root, flags: O_RDONLY, displayPath: path)
            }
            #expect(error?.kind == .confinement, "\(path): \(String(describing: error))")
        }
        // O_PATH must not open the link itself either.
        let linkItself = fileSystemError { () throws(FileSystemError) in
            try opener.open("filelink", beneath: root, flags: oPath, displayPath: "filelink")
        }
        #expect(linkItself?.kind == .confinement)
    }

    @Test(arguments: methods)
    func dotDotIsRefusedBeforeTheKernelSeesIt(method: ConfinedOpener.Method) throws {
        let fixture = try FileSystemFixture(method: method)
        let opener = ConfinedOpener(method: method)
        let root = try opener.openDirectory(fixture.workdir)
        let error = fileSystemError { () throws(FileSystemError) in
            try opener.open("../outside/secret.txt", beneath: root, flags: O_RDONLY, displayPath: "x")
        }
        #expect(error?.kind == .confinement)
    }

    @Test(arguments: methods)
    func aDirectoryPathThroughASymlinkIsRefused(method: ConfinedOpener.Method) throws {
        let fixture = try FileSystemFixture(method: method)
        try fixture.symlink(fixture.scratch.file("worklink"), to: fixture.workdir)
        let error = fileSystemError { () throws(FileSystemError) in
            try ConfinedOpener(method: method).openDirectory(fixture.scratch.file("worklink"))
        }
        #expect(error?.kind == .confinement, "\(String(describing: error))")
    }

    @Test(arguments: methods)
    func procMagicLinksAreRefused(method: ConfinedOpener.Method) throws {
        let opener = ConfinedOpener(method: method)
        let error = fileSystemError { () throws(FileSystemError) in
            try opener.openDirectory("/proc/self/root/etc")
        }
        #expect(error?.kind == .confinement)
    }

    @Test(arguments: methods)
    func aMissingFileIsNotFound(method: ConfinedOpener.Method) throws {
        let fixture = try FileSystemFixture(method: method)
        let opener = ConfinedOpener(method: method)
        let root = try opener.openDirectory(fixture.workdir)
        let error = fileSystemError { () throws(FileSystemError) in
            try opener.open("nope/x", beneath: root, flags: O_RDONLY, displayPath: "nope/x")
        }
        #expect(error?.kind == .notFound)
    }
}
