import Testing

@testable import Bastion

struct ApprovalChannelTests {
    @Test("The configuration spellings are client and local")
    func spellings() {
        #expect(ApprovalChannel.allCases.map(\.rawValue) == ["client", "local"])
        #expect(ApprovalChannel(rawValue: "elicitation") == nil)
    }
}
