import Testing

@testable import BastionResources

struct ContentSnifferTests {
    @Test(arguments: [
        [UInt8](), Array("plain text\n".utf8), Array("héllo wörld €𝄞\n".utf8),
        // Sample cut inside a character: "€" is E2 82 AC.
        Array("price: ".utf8) + [0xE2, 0x82],
    ])
    func textIsNotBinary(bytes: [UInt8]) {
        #expect(!ContentSniffer.isBinary(bytes))
    }

    @Test(
        arguments: [
            [0x61, 0x00, 0x62], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xFE, 0x41],
            [0xC0, 0xAF],  // overlong "/"
            [0xED, 0xA0, 0x80],  // surrogate U+D800
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xE2, 0x28, 0xA1],  // bad continuation byte
            [0xE0, 0x80],  // truncated, but already overlong
        ] as [[UInt8]]
    )
    func nulBytesAndInvalidUTF8AreBinary(bytes: [UInt8]) {
        #expect(ContentSniffer.isBinary(bytes))
    }

    @Test func onlyTheFirst8KiBAreExamined() {
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: ContentSniffer.sampleSize)
        #expect(!ContentSniffer.isBinary(text + [0x00]))
        #expect(ContentSniffer.isBinary(text.dropLast() + [0x00]))
    }

    @Test(arguments: [
        ("png", "image/png"), ("jpg", "image/jpeg"), ("jpeg", "image/jpeg"), ("gif", "image/gif"),
        ("webp", "image/webp"), ("bmp", "image/bmp"), ("svg", "image/svg+xml"), ("mp3", "audio/mpeg"),
        ("wav", "audio/wav"), ("ogg", "audio/ogg"), ("flac", "audio/flac"), ("exe", "application/octet-stream"),
        ("", "application/octet-stream"),
    ])
    func mediaTypesMatchTheReferenceTable(pathExtension: String, expected: String) {
        #expect(ContentSniffer.mimeType(forPathExtension: pathExtension) == expected)
    }

    @Test(arguments: [
        ("txt", "text/plain"), ("md", "text/markdown"), ("json", "application/json"), ("html", "text/html"),
        ("css", "text/css"), ("js", "text/javascript"), ("ts", "text/typescript"), ("swift", "text/x-swift"),
        ("py", "text/x-python"), ("toml", "application/toml"), ("yaml", "application/yaml"),
        ("yml", "application/yaml"), ("xml", "application/xml"), ("csv", "text/csv"), ("sh", "application/x-sh"),
    ])
    func textTypesForResources(pathExtension: String, expected: String) {
        #expect(ContentSniffer.mimeType(forPathExtension: pathExtension) == expected)
        #expect(ContentSniffer.isTextMimeType(expected))
    }

    @Test func extensionsMatchWithAnyCaseAndAnOptionalDot() {
        #expect(ContentSniffer.mimeType(forPathExtension: "PNG") == "image/png")
        #expect(ContentSniffer.mimeType(forPathExtension: ".Jpeg") == "image/jpeg")
    }

    @Test func textMimeTypes() {
        #expect(ContentSniffer.isTextMimeType("text/plain; charset=utf-8"))
        #expect(ContentSniffer.isTextMimeType("image/svg+xml"))
        #expect(ContentSniffer.isTextMimeType("application/ld+json"))
        #expect(!ContentSniffer.isTextMimeType("image/png"))
        #expect(!ContentSniffer.isTextMimeType("audio/mpeg"))
        #expect(!ContentSniffer.isTextMimeType("application/octet-stream"))
        #expect(!ContentSniffer.isTextMimeType(""))
    }
}
