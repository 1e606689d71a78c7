import Testing

@testable import BastionResources

struct ProcessOutcomeTests {
    @Test func signalsAreNamed() {
        #expect(ProcessOutcome.signalName(9) == "SIGKILL")
        #expect(ProcessOutcome.signalName(15) == "SIGTERM")
        #expect(ProcessOutcome.signalName(40) == "SIG40")
    }
}
