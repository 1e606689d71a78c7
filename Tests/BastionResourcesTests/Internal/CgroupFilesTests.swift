import Foundation
import Testing

@testable import BastionResources

struct CgroupFilesTests {
    @Test func valueReadsTheNumberAfterItsKeyOnly() {
        let contents = Array("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n".utf8)
        #expect(CgroupFiles.value(of: "oom_kill", in: contents) == 3)
        #expect(CgroupFiles.value(of: "under_oom", in: contents) == 0)
        #expect(CgroupFiles.value(of: "max", in: contents) == nil)
        #expect(CgroupFiles.value(of: "oom", in: contents) == nil)
    }

    @Test func pidsSkipsWhatIsNotANumber() {
        #expect(CgroupFiles.pids(in: Array("12\n345\n\nx\n".utf8)) == [12, 345])
        #expect(CgroupFiles.pids(in: []) == [])
    }

    @Test func writeNeverCreatesAFileNorFollowsALink() throws {
        let scratch = try ScratchDirectory()
        #expect(CgroupFiles.write("1", to: "pids.max", in: scratch.path) == ENOENT)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("pids.max")))
        try "".write(toFile: scratch.file("target"), atomically: false, encoding: .utf8)
        #expect(symlink(scratch.file("target"), scratch.file("memory.max")) == 0)
        #expect(CgroupFiles.write("64", to: "memory.max", in: scratch.path) == ELOOP)
        #expect(try String(contentsOfFile: scratch.file("target"), encoding: .utf8) == "")
    }

    @Test func writeAndReadAnExistingFile() throws {
        let scratch = try ScratchDirectory()
        try "".write(toFile: scratch.file("pids.max"), atomically: false, encoding: .utf8)
        #expect(CgroupFiles.write("16", to: "pids.max", in: scratch.path) == nil)
        #expect(CgroupFiles.read("pids.max", in: scratch.path) == Array("16".utf8))
        #expect(CgroupFiles.read("missing", in: scratch.path) == nil)
    }

    @Test func directoriesAreMadePrivateListedAndRemoved() throws {
        let scratch = try ScratchDirectory()
        #expect(CgroupFiles.makeDirectory("client-a", in: scratch.path) == nil)
        #expect(CgroupFiles.makeDirectory("client-a", in: scratch.path) == nil)  // exists: fine
        try "".write(toFile: scratch.file("cgroup.procs"), atomically: false, encoding: .utf8)
        #expect(ScratchDirectory.mode(of: scratch.file("client-a")) == 0o700)
        #expect(CgroupFiles.subdirectories(of: scratch.path) == ["client-a"])
        #expect(CgroupFiles.removeDirectory("client-a", in: scratch.path) == nil)
        #expect(CgroupFiles.removeDirectory("client-a", in: scratch.path) == nil)  // gone: done
        #expect(CgroupFiles.subdirectories(of: scratch.path) == [])
    }
}
