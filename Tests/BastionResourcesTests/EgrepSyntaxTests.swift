import Testing

@testable import BastionResources

struct EgrepSyntaxTests {
    private func translated(_ pattern: String) throws -> String {
        String(decoding: try EgrepSyntax.translate(Array(pattern.utf8)), as: UTF8.self)
    }

    @Test(arguments: [
        ("id=\\d+", "id=[0-9]+"),
        ("\\D\\w\\W", "[^0-9][[:alnum:]_][^[:alnum:]_]"),
        ("a\\sb\\S", "a[[:space:]]b[^[:space:]]"),
        ("\\<word\\>", "\\bword\\b"),
        ("\\`x\\'", "^x$"),
        ("a{,3}", "a{0,3}"),
        ("a{2}b{1,}c{0,255}", "a{2}b{1,}c{0,255}"),
        ("a{x}|b{", "a{x}|b{"),
        ("[\\d]", "[\\\\d]"),
        ("[]a]|[^]a]", "[\\]a]|[^\\]a]"),
        ("[[:alpha:]_-]", "[[:alpha:]_-]"),
        ("[[.-.][=a=]]", "[\\-a]"),
        ("\\.\\(\\t", "\\.\\(\\t"),
        ("caf\u{e9}", "caf\u{e9}"),
    ])
    func grepSyntaxBecomesRE2Syntax(pattern: String, expected: String) throws {
        #expect(try translated(pattern) == expected)
    }

    @Test func backReferencesAreRefusedEvenBehindAJoiningCharacter() {
        // U+0600 makes "\u{600}\\1" one Character; the scan is on bytes, so the `\1` is still seen.
        for pattern in ["(a)\\1", "(a)\u{600}\\1"] {
            let error = #expect(throws: FileSystemError.self) { try EgrepSyntax.translate(Array(pattern.utf8)) }
            #expect(error?.kind == .invalid)
            #expect(error?.message.contains("back-references") == true)
        }
    }

    @Test func repetitionCountsAboveTheLimitAreRefusedNamingIt() {
        for pattern in ["a{256}", "a{1,256}", "a{,1000}", "(a{99999999999999999999})"] {
            let error = #expect(throws: FileSystemError.self) { try EgrepSyntax.translate(Array(pattern.utf8)) }
            #expect(error?.kind == .limit)
            #expect(error?.message.contains("limit of 255") == true)
        }
    }

    @Test(arguments: ["a\\", "[abc", "[[:alpha:]", "[[.ab.]]"])
    func malformedPatternsAreRefused(pattern: String) {
        let error = #expect(throws: FileSystemError.self) { try EgrepSyntax.translate(Array(pattern.utf8)) }
        #expect(error?.kind == .invalid)
    }
}
