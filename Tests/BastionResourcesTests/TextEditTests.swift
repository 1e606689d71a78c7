import Testing

@testable import BastionResources

struct TextEditTests {
    @Test func anEditKeepsItsTextsAsGivenAndComparesByValue() {
        let edit = TextEdit(oldText: "a\r\nb", newText: "c")
        #expect(edit.oldText == "a\r\nb")
        #expect(edit.newText == "c")
        #expect(edit == TextEdit(oldText: "a\r\nb", newText: "c"))
        #expect(edit != TextEdit(oldText: "a\nb", newText: "c"))
    }
}
