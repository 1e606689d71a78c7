import Testing

@testable import bastion

struct PagerTests {
    @Test(
        arguments: [
            ([:], ["less", "-R"]), (["PAGER": ""], ["less", "-R"]), (["PAGER": "  "], ["less", "-R"]),
            (["PAGER": "more"], ["more"]), (["PAGER": "less -FRX"], ["less", "-FRX"]),
            (["PAGER": "less\t-R  -S"], ["less", "-R", "-S"]),
        ] as [([String: String], [String])]
    )
    func thePagerIsPAGERSplitOnBlanksOrLessR(environment: [String: String], command: [String]) {
        #expect(Pager.command(environment: environment) == command)
    }

    @Test func withoutATerminalNothingIsPaged() {
        #expect(!Pager.show("text", isTerminal: false, environment: ["PAGER": "/nonexistent/pager"]))
    }

    @Test func aPagerThatCannotStartLeavesThePrintingToTheCaller() {
        #expect(!Pager.show("text", isTerminal: true, environment: ["PAGER": "/nonexistent/pager"]))
    }
}
