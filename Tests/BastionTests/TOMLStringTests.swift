import Testing

@testable import Bastion

struct TOMLStringTests {
    @Test(
        "Quoting escapes quotes, backslashes and control characters and keeps the rest",
        arguments: [
            ("plain", "\"plain\""), ("a\"b", "\"a\\\"b\""), ("a\\b", "\"a\\\\b\""), ("l1\nl2", "\"l1\\nl2\""),
            ("\t\r\u{08}\u{0C}", "\"\\t\\r\\b\\f\""), ("\u{01}\u{1F}\u{7F}", "\"\\u0001\\u001F\\u007F\""),
            ("é😀", "\"é😀\""), ("", "\"\""),
        ]
    )
    func quoting(text: String, expected: String) {
        #expect(TOMLString.quoted(text) == expected)
    }
}
