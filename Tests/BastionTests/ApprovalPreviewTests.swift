import Testing

@testable import Bastion

struct ApprovalPreviewTests {
    @Test func aShortBodyIsKeptWholeBetweenRules() {
        let preview = ApprovalPreview(title: "Creates /w/a.txt (6 bytes):", body: "hello\n")
        #expect(!preview.isTruncated)
        #expect(preview.body == "hello\n")
        #expect(preview.text.hasPrefix("Creates /w/a.txt (6 bytes):\n─"))
        #expect(preview.text.contains("\nhello\n─"))
    }

    @Test func linesAndTabsStayWhileControlAndBidiCharactersAreEscaped() {
        let preview = ApprovalPreview(title: "t\u{202E}", body: "a\tb\nc\u{202E}d\u{1B}[2J\r\n")
        #expect(preview.title == "t\\u{202E}")
        #expect(preview.body == "a\tb\nc\\u{202E}d\\u{1B}[2J\\u{D}\n")
    }

    @Test func secretsAreMaskedInTheTitleAndTheBody() {
        let preview = ApprovalPreview(
            title: "Creates /w/ghp_0123456789abcdefghijABCDEFGHIJ012345",
            body: "password=hunter2\n"
        )
        #expect(preview.title == "Creates /w/<redacted>")
        #expect(preview.body == "password=<redacted>\n")
    }

    @Test func aLongBodyIsCutAndSaysSo() {
        let body = String(repeating: "0123456789\n", count: 1_000)
        let preview = ApprovalPreview(title: "t", body: body, maximumBytes: 100)
        #expect(preview.isTruncated)
        #expect(preview.body.hasPrefix("0123456789\n"))
        #expect(preview.body.contains("[… truncated here: about 10900 more bytes are not shown]"))
        #expect(preview.body.utf8.count < 200)
    }

    @Test func aTitleAloneHasNoRules() {
        #expect(
            ApprovalPreview(title: "Edits /w/a; the edits do not apply").text == "Edits /w/a; the edits do not apply"
        )
    }
}
