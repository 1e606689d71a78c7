import Testing

@testable import BastionResources

struct TextEditErrorTests {
    @Test func noMatchQuotesTheEditAsSent() {
        let error = TextEditError.noMatch(oldText: "a\r\nb", editIndex: 2)
        #expect(error.code == .noMatch)
        #expect(error.message == "Could not find exact match for edit:\na\r\nb")
        #expect(error.description == error.message)
        #expect(error.editIndex == 2)
        #expect(error.fileID.hasSuffix("TextEditErrorTests.swift"))
    }

    @Test func emptyOldTextNamesTheEditCountingFromOne() {
        let error = TextEditError.emptyOldText(editIndex: 0)
        #expect(error.code == .emptyOldText)
        #expect(error.code != .noMatch)
        #expect(error.message.contains("Edit 1"))
        #expect(error.code.description == "emptyOldText")
    }
}
