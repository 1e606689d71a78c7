import Logging
import Testing

@testable import bastion

struct StderrLogHandlerTests {
    private func line(_ message: Logger.Message, _ metadata: Logger.Metadata = [:]) -> String {
        StderrLogHandler.format(
            LogEvent(
                level: .info,
                message: message,
                metadata: metadata,
                source: "Bastion",
                file: #fileID,
                function: #function,
                line: #line
            ),
            label: "bastion",
            time: "T"
        )
    }

    @Test func theLayoutIsStreamLogHandlers() {
        #expect(
            line("Serving on stdio", ["client.id": "local", "a": "1"])
                == "T info bastion: a=1 client.id=local [Bastion] Serving on stdio"
        )
        #expect(line("Plain") == "T info bastion: [Bastion] Plain")
    }

    @Test func aClientChosenValueCannotForgeALineOrReorderText() {
        let text = line("Session initialized", ["client.name": "evil\n2026 critical bastion: forged\u{202E}\u{1B}[2J"])
        #expect(!text.contains("\n"))
        #expect(!text.unicodeScalars.contains("\u{202E}") && !text.unicodeScalars.contains("\u{1B}"))
        #expect(text.contains(#"client.name=evil\u{A}2026 critical bastion: forged\u{202E}\u{1B}[2J"#))
    }

    @Test func valuesAreBounded() {
        let text = line("m", ["k": .string(String(repeating: "x", count: 10_000))])
        #expect(text.utf8.count < StderrLogHandler.maximumValueBytes + 100)
        #expect(text.contains("…"))
    }

    @Test func secretsAreMaskedInValuesAndMessages() {
        let text = line(
            "failed with Authorization: Bearer abcdef0123456789",
            ["error": "cannot read /tmp/ghp_0123456789abcdefghijABCDEFGHIJ012345", "nested": ["password=x"]]
        )
        #expect(!text.contains("abcdef0123456789") && !text.contains("ghp_0123") && !text.contains("password=x"))
        #expect(text.contains("Bearer <redacted>"))
    }
}
