import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ApprovalDirectoryTests {
    private func path(_ variables: [String: String]) -> String? {
        ApprovalDirectory.path { variables[$0] }
    }

    @Test func theOverrideWinsThenRuntimeThenStateThenHome() {
        let all = [
            "BASTION_APPROVAL_DIR": "/tmp/a/", "XDG_RUNTIME_DIR": "/run/user/1000", "XDG_STATE_HOME": "/s",
            "HOME": "/home/me",
        ]
        #expect(path(all) == "/tmp/a")
        #expect(path(all.filter { $0.key != "BASTION_APPROVAL_DIR" }) == "/run/user/1000/bastion/approvals")
        #expect(path(["XDG_STATE_HOME": "/s", "HOME": "/home/me"]) == "/s/bastion/approvals")
        #expect(path(["HOME": "/home/me"]) == "/home/me/.local/state/bastion/approvals")
        #expect(path([:]) == nil)
    }

    @Test func relativeValuesAreIgnored() {
        #expect(
            path(["BASTION_APPROVAL_DIR": "rel", "XDG_RUNTIME_DIR": "run", "HOME": "/h"])
                == "/h/.local/state/bastion/approvals"
        )
    }

    @Test func socketNamesCarryThePid() {
        #expect(ApprovalDirectory.socketName(pid: 4242) == "4242.sock")
        #expect(ApprovalDirectory.pid(ofSocketName: "4242.sock") == 4242)
        for name in ["x.sock", "4242.socket", ".sock", "-3.sock", "0.sock", "4242"] {
            #expect(ApprovalDirectory.pid(ofSocketName: name) == nil, "\(name)")
        }
    }

    @Test func prepareCreatesAPrivateDirectoryWithParents() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.file("run/bastion/approvals")
        try ApprovalDirectory.prepare(directory)
        #expect(ScratchDirectory.mode(of: directory) == 0o700)
        try ApprovalDirectory.prepare(directory)  // again: an existing private directory is fine
    }

    @Test func anOpenDirectoryIsRefused() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.file("open")
        #expect(mkdir(directory, 0o755) == 0)
        #expect(chmod(directory, 0o755) == 0)
        let error = #expect(throws: ApprovalError.self) { try ApprovalDirectory.prepare(directory) }
        #expect(error?.message.contains("mode must be 0700") == true)
    }

    @Test func aSymbolicLinkIsRefused() throws {
        let scratch = try ScratchDirectory()
        let target = scratch.file("target")
        #expect(mkdir(target, 0o700) == 0)
        let link = scratch.file("link")
        #expect(symlink(target, link) == 0)
        let error = #expect(throws: ApprovalError.self) { try ApprovalDirectory.verify(link) }
        #expect(error?.message.contains("symbolic link") == true)
    }

    @Test func aFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        let file = scratch.file("file")
        #expect(creat(file, 0o600) >= 0)
        #expect(throws: ApprovalError.self) { try ApprovalDirectory.prepare(file) }
    }
}
