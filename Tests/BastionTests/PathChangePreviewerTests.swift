import BastionProtocol
import BastionResources
import BastionSecurity
import Testing

@testable import Bastion

struct PathChangePreviewerTests {
    private let previewer = PathChangePreviewer(files: FileSystemManager())

    /// Regression (issue 9 B8 review): the raw argument was shown cut, never the directory it names.
    @Test func aRecursiveDeleteNamesItsCanonicalTargetAndEveryEntry() throws {
        let fixture = try FileToolFixture()
        try fixture.write("a", "keep/a.txt")
        try fixture.write("b", "keep/sub/b.txt")
        try fixture.write("", "tmp/cache/.placeholder")
        let path = "tmp/cache/" + String(repeating: "./", count: 150) + "../../keep"
        let preview = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("delete_path"),
                arguments: ["path": .string(path), "recursive": true],
                client: fixture.client
            )
        )
        let keep = fixture.workdir + "/keep"
        #expect(preview.title == "Deletes the directory \(keep) and everything in it: 3 entries, listed below:")
        #expect(preview.body == "\(keep)/a.txt\n\(keep)/sub/\n\(keep)/sub/b.txt\n")
        #expect(fixture.read("keep/sub/b.txt") == "b")  // it only looked
    }

    @Test func aLargeTreeIsCountedAsAtLeastTheLimit() throws {
        let fixture = try FileToolFixture()  // list_entries = 1,000
        for n in 0..<1_005 { try fixture.write("", "big/f\(n)") }
        let preview = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("delete_path"),
                arguments: ["path": "big", "recursive": true],
                client: fixture.client
            )
        )
        #expect(preview.title.contains("at least 1000 entries"))
        #expect(preview.body.contains("the count stopped at 1000"))
    }

    @Test func aMoveNamesBothCanonicalPaths() throws {
        let fixture = try FileToolFixture()
        try fixture.write("1", "src.txt")
        let preview = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("move_file"),
                arguments: ["source": "./././src.txt", "destination": "./dst.txt"],
                client: fixture.client
            )
        )
        #expect(preview.title == "Moves \(fixture.workdir)/src.txt (a file of 1 bytes) to \(fixture.workdir)/dst.txt")
    }

    /// Regression: only directories carried a basis, so a file swapped in after the person approved
    /// deleting another one was deleted unseen.
    @Test func aFileDeleteOrMoveIsApprovedForTheFileAsItIsOrForNothing() throws {
        let fixture = try FileToolFixture()
        try fixture.write("1", "src.txt")
        for (tool, arguments) in [
            ("delete_path", ["path": "src.txt"]), ("move_file", ["source": "src.txt", "destination": "d.txt"]),
        ] as [(String, [String: JSONValue])] {
            let preview = try #require(
                previewer.preview(tool: ToolFixtures.tool(tool), arguments: arguments, client: fixture.client)
            )
            let basis = try #require(preview.basis)
            #expect(basis.path == fixture.workdir + "/src.txt")
            guard case .present(_, content: nil) = basis.state else {
                Issue.record("\(tool): \(basis.state)")
                continue
            }
        }
        let absent = try #require(
            previewer.preview(tool: ToolFixtures.tool("delete_path"), arguments: ["path": "gone.txt"], client: fixture.client)
        )
        #expect(absent.basis?.state == .absent)
    }

    /// Regression (review of issue 9, F4): the digest covered only the entries listed, so a file
    /// moved into a tree larger than the listing was deleted unseen.
    @Test func theTreeDigestCoversEntriesBeyondThoseListed() throws {
        let fixture = try FileToolFixture()
        for name in ["a", "b", "c", "d"] { try fixture.write("", "tree/\(name).txt") }
        let target = try previewer.files.authorize("tree", for: .write, client: fixture.client, followingLastLink: false)
        let before = previewer.entries(beneath: target, client: fixture.client, maximumListed: 2)
        #expect(before.count == "4 entries")
        #expect(before.body.hasSuffix("[… 2 more entries are not listed]\n"))
        try fixture.write("years of work", "tree/zz-thesis.tex")
        let after = previewer.entries(beneath: target, client: fixture.client, maximumListed: 2)
        #expect(after.body.hasPrefix(before.body.split(separator: "\n").prefix(2).joined(separator: "\n")))
        #expect(after.digest != before.digest)
        #expect(previewer.entries(beneath: target, client: fixture.client, maximumListed: 2).digest == after.digest)
    }

    @Test func aPathOutsideTheScopeIsSaidToBeRefused() throws {
        let fixture = try FileToolFixture()
        let preview = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("create_directory"),
                arguments: ["path": "/etc/bastion-test"],
                client: fixture.client
            )
        )
        #expect(preview.title.hasPrefix("The path is refused: Permission denied"))
        #expect(preview.refusal?.hasPrefix("Permission denied") == true)
        #expect(previewer.toolNames == ["delete_path", "move_file", "create_directory"])
    }
}
