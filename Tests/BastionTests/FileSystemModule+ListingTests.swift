import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct FileSystemModuleListingTests {
    @Test func listDirectoryMarksFilesAndDirectoriesAndHidesDenied() async throws {
        let fixture = try FileToolFixture(deny: ["**/.env"])
        try fixture.write("x", "a.txt")
        try fixture.write("SECRET", ".env")
        try FileManager.default.createDirectory(atPath: fixture.workdir + "/d", withIntermediateDirectories: false)
        let result = try await fixture.call("list_directory", ["path": "."])
        #expect(FileToolFixture.text(result) == "[FILE] a.txt\n[DIR] d\n[1 entries hidden by this client's deny rules]")
        #expect(
            result.structuredContent?["entries"] == [
                ["name": "a.txt", "type": "file"], ["name": "d", "type": "directory"],
            ]
        )
    }

    @Test func listWithSizesSortsAndTotals() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("1", "small")
        try fixture.write(String(repeating: "x", count: 2_048), "big")
        let text = FileToolFixture.text(
            try await fixture.call("list_directory_with_sizes", ["path": ".", "sortBy": "size"])
        )
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("[FILE] big") && lines[0].hasSuffix("2.00 KB"))
        #expect(lines[1].hasPrefix("[FILE] small") && lines[1].hasSuffix("1 B"))
        #expect(lines.suffix(2) == ["Total: 2 files, 0 directories", "Combined size: 2.00 KB"])
    }

    @Test func directoryTreeHonoursExcludes() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("x", "src/a.swift")
        try fixture.write("x", "node_modules/m/index.js")
        let text = FileToolFixture.text(
            try await fixture.call("directory_tree", ["path": ".", "excludePatterns": ["node_modules"]])
        )
        #expect(text.contains("\"src\"") && text.contains("\"a.swift\""))
        #expect(!text.contains("node_modules"))
    }

    @Test func fileInfoDescribesALinkWithoutFollowingIt() async throws {
        let fixture = try FileToolFixture()
        try FileManager.default.createSymbolicLink(atPath: fixture.workdir + "/l", withDestinationPath: "/etc/passwd")
        let result = try await fixture.call("get_file_info", ["path": "l"])
        #expect(result.structuredContent?["isSymbolicLink"] == true)
        #expect(FileToolFixture.text(result).contains("isFile: false"))
    }

    @Test func allowedDirectoriesListTheScope() async throws {
        let fixture = try FileToolFixture()
        let result = try await fixture.call("list_allowed_directories", [:])
        #expect(FileToolFixture.text(result) == "Allowed directories:\n" + fixture.workdir)
        #expect(result.structuredContent?["write"] == [.string(fixture.workdir)])
    }

    @Test(arguments: ["list_directory", "list_directory_with_sizes", "directory_tree", "get_file_info"])
    func aRefusedListingCarriesTheDenial(tool: String) async throws {
        let fixture = try FileToolFixture(deny: ["**/private"])
        try fixture.write("p", "private/p.txt")
        let result = try await fixture.call(tool, ["path": "private"])
        #expect(result.isError)
        #expect(result.denial?.target == fixture.workdir + "/private")
        #expect(result.denial?.rule == .denyRule)
    }
}
