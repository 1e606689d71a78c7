import Testing

@testable import BastionSecurity

struct SecretScannerSpansTests {
    @Test func nothingToMaskLeavesTheTextAndNoSpan() {
        let (text, spans) = SecretScanner.masked("echo hello\n")
        #expect(text == "echo hello\n" && spans.isEmpty)
    }

    @Test func eachSpanIsReplacedByAMarkerSayingWhatAndHowMuch() throws {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"
        let (text, spans) = SecretScanner.masked("a\n\(key)\nz")
        #expect(!text.contains("b3BlbnNzaC1rZXktdjEAAAAA"))
        let first = try #require(spans.first)
        #expect(first.kind == "private key")
        #expect(first.lines >= 3)
        #expect(text.hasPrefix("a\n«redacted: private key, "))
        #expect(text.contains(" lines»"))
    }

    @Test func anAssignedValueAndATokenAreNamed() {
        let (text, spans) = SecretScanner.masked("password=hunter2 ghp_0123456789abcdefghijABCDEFGHIJ012345")
        #expect(spans.map(\.kind) == ["assigned value", "token"])
        #expect(text == "password=«redacted: assigned value, 7 bytes» «redacted: token, 40 bytes»")
    }

    @Test func theMarkerOfOneLineHasNoLineCount() {
        #expect(SecretScanner.MaskedSpan(kind: "JWT", bytes: 90, lines: 1).marker == "«redacted: JWT, 90 bytes»")
        #expect(SecretScanner.MaskedSpan(kind: "k", bytes: 9, lines: 2).marker == "«redacted: k, 9 bytes, 2 lines»")
    }

    @Test func aBeginLineWithoutItsEndStaysVisibleInAPreview() {
        // Second review F4: `/tmp/stage2` after a bare BEGIN line is a command sh would run.
        let text = "#!/bin/sh\necho building\n-----BEGIN PRIVATE KEY-----\n/tmp/stage2\n"
        let (masked, spans) = SecretScanner.masked(text)
        #expect(masked.contains("/tmp/stage2"))
        #expect(spans.allSatisfy { $0.kind != "private key" })
    }
}
