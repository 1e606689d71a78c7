import Testing

@testable import Bastion

struct IsolationModeTests {
    @Test("The configuration spellings are in-process and process")
    func spellings() {
        #expect(IsolationMode.allCases.map(\.rawValue) == ["in-process", "process"])
        #expect(IsolationMode(rawValue: "in-process") == .inProcess)
        #expect(IsolationMode(rawValue: "inProcess") == nil)
    }
}
