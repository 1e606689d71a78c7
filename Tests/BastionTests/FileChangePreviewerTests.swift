import BastionProtocol
import BastionResources
import BastionSecurity
import Testing

@testable import Bastion

struct FileChangePreviewerTests {
    private let previewer = FileChangePreviewer(files: FileSystemManager())
    private let writer = ToolFixtures.tool("write_file")
    private let editor = ToolFixtures.tool("edit_file")

    @Test func aNewFileShowsItsWholeContent() throws {
        let fixture = try FileToolFixture()
        let preview = try #require(
            previewer.preview(
                tool: writer,
                arguments: ["path": "new.txt", "content": "one\ntwo\n"],
                client: fixture.client
            )
        )
        #expect(preview.title == "Creates \(fixture.workdir)/new.txt with this content (8 bytes):")
        #expect(preview.body == "one\ntwo\n")
    }

    @Test func anOverwriteShowsTheDiff() throws {
        let fixture = try FileToolFixture()
        try fixture.write("one\ntwo\n", "a.txt")
        let preview = try #require(
            previewer.preview(
                tool: writer,
                arguments: ["path": "a.txt", "content": "one\n2\n"],
                client: fixture.client
            )
        )
        #expect(preview.title == "Replaces \(fixture.workdir)/a.txt (8 → 6 bytes); the changes:")
        #expect(preview.body.contains("@@ -1,2 +1,2 @@\n one\n-two\n+2\n"))
    }

    @Test func anEditShowsTheDiffOfItsEdits() throws {
        let fixture = try FileToolFixture()
        try fixture.write("let a = 1\nlet b = 2\n", "x.swift")
        let arguments: [String: JSONValue] = [
            "path": "x.swift", "edits": [["oldText": "let b = 2", "newText": "let b = 3"]], "dryRun": true,
        ]
        let preview = try #require(previewer.preview(tool: editor, arguments: arguments, client: fixture.client))
        #expect(preview.title == "Edits \(fixture.workdir)/x.swift (dry run: nothing is written); the changes:")
        #expect(preview.body.contains("-let b = 2\n+let b = 3\n"))
        #expect(fixture.read("x.swift") == "let a = 1\nlet b = 2\n")
    }

    @Test func editsThatDoNotApplySaySo() throws {
        let fixture = try FileToolFixture()
        try fixture.write("a\n", "x.txt")
        let arguments: [String: JSONValue] = ["path": "x.txt", "edits": [["oldText": "zzz", "newText": "y"]]]
        let preview = try #require(previewer.preview(tool: editor, arguments: arguments, client: fixture.client))
        #expect(preview.title.contains("the edits do not apply"))
        #expect(preview.body.isEmpty)
    }

    @Test func aFileTheClientMayNotReadIsNeverShown() throws {
        let fixture = try FileToolFixture(permissions: [.fileWrite(glob: nil)])
        try fixture.write("top secret\n", "s.txt")
        let preview = try #require(
            previewer.preview(tool: writer, arguments: ["path": "s.txt", "content": "new\n"], client: fixture.client)
        )
        #expect(preview.title.contains("its current content is not shown: this client may not read it"))
        #expect(!preview.text.contains("top secret"))
        #expect(preview.body == "new\n")
    }

    @Test func aBinaryFileIsNamedNotShown() throws {
        let fixture = try FileToolFixture()
        try fixture.write("a\u{0}b", "b.bin")
        let preview = try #require(
            previewer.preview(tool: writer, arguments: ["path": "b.bin", "content": "text\n"], client: fixture.client)
        )
        #expect(preview.title.contains("it is a binary file of 3 bytes"))
    }

    @Test func aRefusedPathSaysWhyAndReadsNothing() throws {
        let fixture = try FileToolFixture()
        let preview = try #require(
            previewer.preview(tool: writer, arguments: ["path": "/etc/passwd", "content": "x"], client: fixture.client)
        )
        #expect(preview.title.hasPrefix("The path is refused: Permission denied"))
        #expect(!preview.text.contains("root:"))
    }

    @Test func onlyTheFileToolsAreDescribed() {
        #expect(previewer.toolNames == ["write_file", "edit_file"])
    }
}
