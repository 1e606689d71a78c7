import Testing

@testable import Bastion

struct TaskStatusTests {
    @Test func onlyCompletedFailedAndCancelledAreTerminal() {
        #expect(!TaskStatus.working.isTerminal && !TaskStatus.inputRequired.isTerminal)
        #expect(TaskStatus.completed.isTerminal && TaskStatus.failed.isTerminal && TaskStatus.cancelled.isTerminal)
    }

    @Test func rawValuesAreTheSpecsSpelling() {
        #expect(TaskStatus.inputRequired.rawValue == "input_required")
        #expect(TaskStatus(rawValue: "cancelled") == .cancelled)
    }
}
