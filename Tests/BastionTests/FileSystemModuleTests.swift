import BastionProtocol
import BastionResources
import BastionSecurity
import Testing

@testable import Bastion

struct FileSystemModuleTests {
    static let referenceTools: Set<String> = [
        "read_text_file", "read_file", "read_media_file", "read_multiple_files", "write_file", "edit_file",
        "create_directory", "list_directory", "list_directory_with_sizes", "directory_tree", "move_file",
        "search_files", "get_file_info", "list_allowed_directories",
    ]

    @Test func itRegistersTheReferenceToolsAndTwoMoreWithoutProblems() {
        var registry = ToolRegistry()
        FileSystemModule().register(in: &registry)
        #expect(registry.problems.isEmpty)
        #expect(Set(registry.tools.map(\.name)) == Self.referenceTools.union(["search_content", "delete_path"]))
    }

    @Test func annotationsAndPermissionsAreTruthful() {
        var registry = ToolRegistry()
        FileSystemModule().register(in: &registry)
        let writers: Set<String> = ["write_file", "edit_file", "create_directory", "move_file", "delete_path"]
        for tool in registry.tools {
            let writes = writers.contains(tool.name)
            #expect(tool.annotations.readOnlyHint == !writes, "\(tool.name)")
            #expect(tool.annotations.openWorldHint == false, "\(tool.name)")
            if tool.name == "list_allowed_directories" {
                #expect(tool.permissions == .public)
            } else {
                // Every path of every call is checked, so any grant of the kind makes the tool visible.
                #expect(tool.permissions == .checkedPerCall(writes ? .fileWrite : .fileRead), "\(tool.name)")
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: registry.tools.map { ($0.name, $0) })
        #expect(byName["create_directory"]?.annotations.destructiveHint == false)
        #expect(byName["delete_path"]?.annotations.destructiveHint == true)
    }

    @Test func aFileSystemErrorBecomesAToolErrorNamingThePath() throws {
        let fixture = try FileToolFixture()
        let error = #expect(throws: ToolError.self) {
            try FileSystemModule.run { () throws(FileSystemError) in
                throw FileSystemError(.notFound, "Cannot open \"/w/x\": no such file or directory")
            }
        }
        #expect(error?.message.contains("/w/x") == true)
        _ = fixture
    }

    @Test func binaryBytesAreRefusedAsText() throws {
        #expect(throws: FileSystemError.self) { try FileSystemModule.text([0x00, 0x01], path: "/w/b") }
        #expect(throws: FileSystemError.self) { try FileSystemModule.text([0xFF, 0xFE, 0x41], path: "/w/b") }
        #expect(try FileSystemModule.text(Array("héllo".utf8), path: "/w/t") == "héllo")
    }

    @Test func resultsCarryTheReferenceStructuredContent() {
        let result = FileSystemModule.result("done", data: ["n": 1])
        #expect(result.structuredContent == ["content": "done", "n": 1])
        #expect(FileToolFixture.text(result) == "done")
    }
}
