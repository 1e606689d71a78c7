import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct FileSystemModuleWritingTests {
    @Test func writeCreateMoveAndDeleteWorkTogether() async throws {
        let fixture = try FileToolFixture()
        #expect(!(try await fixture.call("create_directory", ["path": "a/b"])).isError)
        let written = try await fixture.call("write_file", ["path": "a/b/c.txt", "content": "hi"])
        #expect(FileToolFixture.text(written) == "Successfully wrote to a/b/c.txt")
        #expect(fixture.read("a/b/c.txt") == "hi")
        #expect(!(try await fixture.call("move_file", ["source": "a/b/c.txt", "destination": "a/d.txt"])).isError)
        #expect(fixture.read("a/d.txt") == "hi")
        let again = try await fixture.call("move_file", ["source": "a/d.txt", "destination": "a/d.txt"])
        #expect(again.isError)
        let refused = try await fixture.call("delete_path", ["path": "a"])
        #expect(refused.isError && FileToolFixture.text(refused).contains("recursive: true"))
        let deleted = try await fixture.call("delete_path", ["path": "a", "recursive": true])
        #expect(deleted.structuredContent?["deleted"] == 3)
    }

    @Test func editFileShowsADiffAndWritesOnlyWithoutDryRun() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("let a = 1\nlet b = 2\n", "x.swift")
        let edits: JSONValue = [["oldText": "let b = 2", "newText": "let b = 3"]]
        let preview = try await fixture.call("edit_file", ["path": "x.swift", "edits": edits, "dryRun": true])
        #expect(FileToolFixture.text(preview).contains("-let b = 2\n+let b = 3"))
        #expect(fixture.read("x.swift") == "let a = 1\nlet b = 2\n")
        _ = try await fixture.call("edit_file", ["path": "x.swift", "edits": edits])
        #expect(fixture.read("x.swift") == "let a = 1\nlet b = 3\n")
        let missing = try await fixture.call(
            "edit_file",
            ["path": "x.swift", "edits": [["oldText": "nope", "newText": ""]]]
        )
        #expect(missing.isError && FileToolFixture.text(missing).contains("Could not find exact match"))
        #expect(fixture.read("x.swift") == "let a = 1\nlet b = 3\n")
    }

    @Test func aReadOnlyGrantCannotWrite() async throws {
        let fixture = try FileToolFixture(permissions: [.fileRead(glob: nil)])
        let result = try await fixture.call("write_file", ["path": "x.txt", "content": "x"])
        #expect(result.isError && FileToolFixture.text(result).contains("file_write"))
        #expect(fixture.read("x.txt") == nil)
    }

    @Test func aRefusedWriteCarriesTheDenialWithTheCanonicalPath() async throws {
        let fixture = try FileToolFixture(permissions: [.fileRead(glob: nil)])
        let result = try await fixture.call("write_file", ["path": "./x.txt", "content": "x"])
        #expect(result.denial?.target == fixture.workdir + "/x.txt")
        #expect(result.denial?.permission == "file_write")
    }

    @Test(arguments: [
        ("edit_file", ["path": "d/a.txt", "edits": [["oldText": "a", "newText": "b"]]] as [String: JSONValue]),
        ("delete_path", ["path": "d/a.txt"]), ("move_file", ["source": "d/a.txt", "destination": "b.txt"]),
        ("create_directory", ["path": "d/sub"]),
    ])
    func everyWritingToolReportsItsDenial(tool: String, arguments: [String: JSONValue]) async throws {
        let fixture = try FileToolFixture(deny: ["**/d/**"])
        try fixture.write("a", "d/a.txt")
        let result = try await fixture.call(tool, arguments)
        #expect(result.isError)
        #expect(result.denial?.rule == .denyRule)
        #expect(result.denial?.target.hasPrefix(fixture.workdir + "/d/") == true)
    }
}
