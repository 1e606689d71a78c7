import Testing

@testable import Bastion

struct ApprovalPreviewerTests {
    @Test func theStandardPreviewersCoverTheWritingAndExecutingToolsOnceEach() {
        let names = ApprovalManager.standardPreviewers.map(\.toolNames)
        let all = names.reduce(into: Set<String>()) { $0.formUnion($1) }
        #expect(all.count == names.map(\.count).reduce(0, +))  // no tool claimed twice
        for tool in ["write_file", "edit_file", "run_command", "run_code"] { #expect(all.contains(tool)) }
    }
}
