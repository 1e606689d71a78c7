import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct FileSystemModuleSearchingTests {
    @Test func searchFilesMatchesRelativeGlobsWithExcludes() async throws {
        let fixture = try FileToolFixture()
        for path in ["a.md", "docs/b.md", "docs/old/c.md", "x.txt"] { try fixture.write("x", path) }
        let all = try await fixture.call(
            "search_files",
            ["path": ".", "pattern": "**/*.md", "excludePatterns": ["docs/old"]]
        )
        #expect(FileToolFixture.text(all) == fixture.workdir + "/a.md\n" + fixture.workdir + "/docs/b.md")
        let top = try await fixture.call("search_files", ["path": ".", "pattern": "*.{md,txt}"])
        #expect(FileToolFixture.text(top) == fixture.workdir + "/a.md\n" + fixture.workdir + "/x.txt")
        let none = try await fixture.call("search_files", ["path": ".", "pattern": "*.rs"])
        #expect(FileToolFixture.text(none) == "No matches found")
    }

    @Test func searchContentFindsLinesWithContextAndSkipsBinaries() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("one\nneedle here\nthree\n", "a.txt")
        try fixture.write("needle", "b.swift")
        try Data([0, 1] + Array("needle".utf8)).write(to: URL(fileURLWithPath: fixture.workdir + "/c.bin"))
        let result = try await fixture.call("search_content", ["path": ".", "pattern": "need?le", "contextLines": 1])
        let text = FileToolFixture.text(result)
        #expect(text.contains(fixture.workdir + "/a.txt-1-one\n" + fixture.workdir + "/a.txt:2:needle here\n"))
        #expect(text.contains(fixture.workdir + "/b.swift:1:needle"))
        #expect(!text.contains("c.bin"))
        let filtered = try await fixture.call(
            "search_content",
            ["path": ".", "pattern": "needle", "filePattern": "*.swift"]
        )
        #expect(filtered.structuredContent?["matches"]?.arrayValue?.count == 1)
        let invalid = try await fixture.call("search_content", ["path": ".", "pattern": "("])
        #expect(invalid.isError && FileToolFixture.text(invalid).contains("Invalid regular expression"))
    }

    @Test(arguments: [
        ("search_files", ["path": "/etc", "pattern": "*"] as [String: JSONValue]),
        ("search_content", ["path": "/etc", "pattern": "root"]),
    ])
    func aRefusedSearchCarriesTheDenial(tool: String, arguments: [String: JSONValue]) async throws {
        let fixture = try FileToolFixture()
        let result = try await fixture.call(tool, arguments)
        #expect(result.isError)
        #expect(result.denial?.target == "/etc")
        #expect(result.denial?.permission.hasPrefix("file_read") == true)
    }
}
