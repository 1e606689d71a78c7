import Testing

@testable import BastionResources

/// Cases from the reference's `__tests__/lib.test.ts` (`applyFileEdits`) and its whitespace-tolerant branch.
struct TextEditorTests {
    private static func apply(_ text: String, _ edits: (String, String)...) throws -> String {
        try TextEditor.apply(edits.map { TextEdit(oldText: $0.0, newText: $0.1) }, to: text)
    }

    @Test func replacesExactText() throws {
        #expect(
            try Self.apply("line1\nline2\nline3\n", ("line2", "modified line2")) == "line1\nmodified line2\nline3\n"
        )
    }

    @Test func treatsDollarSignsLiterally() throws {
        let result = try Self.apply("line1\nline2\nline3\n", ("line2", "price=$$; match=$&; before=$`; after=$'"))
        #expect(result == "line1\nprice=$$; match=$&; before=$`; after=$'\nline3\n")
    }

    @Test func appliesEditsInOrderToTheResultOfThePreviousOne() throws {
        let result = try Self.apply("line1\nline2\nline3\n", ("line1", "first line"), ("line3", "third line"))
        #expect(result == "first line\nline2\nthird line\n")
        #expect(try Self.apply("a\n", ("a", "b"), ("b", "c")) == "c\n")
    }

    @Test func replacesOnlyTheFirstOfSeveralOccurrences() throws {
        #expect(try Self.apply("x = 1\nx = 1\n", ("x = 1", "x = 2")) == "x = 2\nx = 1\n")
    }

    @Test func normalizesCRLFInTextAndEdits() throws {
        #expect(
            try Self.apply("line1\r\nline2\r\nline3\r\n", ("line2", "modified line2"))
                == "line1\nmodified line2\nline3\n"
        )
        #expect(try Self.apply("a\r\nb\r\n", ("a\r\nb", "c\r\nd")) == "c\nd\n")
    }

    @Test func keepsIndentationOfMultiLineExactMatches() throws {
        let result = try Self.apply(
            "function test() {\n  console.log(\"hello\");\n  return true;\n}",
            (
                "  console.log(\"hello\");\n  return true;",
                "  console.log(\"world\");\n  console.log(\"test\");\n  return false;"
            )
        )
        #expect(result == "function test() {\n  console.log(\"world\");\n  console.log(\"test\");\n  return false;\n}")
    }

    @Test func matchesLinesIgnoringSurroundingWhitespace() throws {
        // Not an exact match ("a\nb" is not in the text), so the lines are compared trimmed.
        let result = try Self.apply("  a\n    b\nc\n", ("a\nb", "x\ny"))
        // First line: the matched indentation; second: written as is, since "b" in oldText has no indentation.
        #expect(result == "  x\ny\nc\n")
    }

    @Test func reindentsLaterLinesRelativeToOldText() throws {
        let text = "class A {\n    func f() {\n        g()\n    }\n}\n"
        let result = try Self.apply(text, ("func f() {\n  g()\n}", "func f() {\n      h()\n  }"))
        // Line 2: the matched indent (4) plus 6 - 2 spaces. Line 3: old line 3 "}" has no indentation, so the
        // new line is written as is.
        #expect(result == "class A {\n    func f() {\n        h()\n  }\n}\n")
    }

    @Test func toleratesTabsAndNonBreakingSpaces() throws {
        let result = try Self.apply("\tif x {\u{A0}\n\t\treturn\n\t}\n", ("if x {\n return", "if y {\n return"))
        #expect(result == "\tif y {\n\treturn\n\t}\n")
    }

    @Test func reportsTheMissingEditLikeTheReference() {
        let error = #expect(throws: TextEditError.self) {
            try Self.apply("line1\nline2\n", ("line2", "ok"), ("nonexistent line", "replacement"))
        }
        #expect(error?.code == .noMatch)
        #expect(error?.editIndex == 1)
        #expect(error?.message == "Could not find exact match for edit:\nnonexistent line")
    }

    @Test func refusesAnEmptyOldText() {
        let error = #expect(throws: TextEditError.self) { try Self.apply("abc", ("", "x")) }
        #expect(error?.code == .emptyOldText)
    }

    @Test func comparesCodeUnitsNotCanonicalEquivalence() {
        // "é" precomposed and "e" + combining acute are equal as Swift Strings but not in JavaScript.
        #expect(throws: TextEditError.self) { try Self.apply("caf\u{E9}\n", ("cafe\u{301}", "tea")) }
    }

    @Test func normalizeLineEndingsKeepsLoneCarriageReturns() {
        #expect(TextEditor.normalizeLineEndings("line1\r\nline2\nline3\r\n") == "line1\nline2\nline3\n")
        #expect(TextEditor.normalizeLineEndings("a\rb\r\r\n") == "a\rb\r\n")
        #expect(TextEditor.normalizeLineEndings("") == "")
    }
}
