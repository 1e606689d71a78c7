import BastionProtocol
import Testing

@testable import Bastion

struct ApprovalRequestTests {
    @Test func idsAreShortAndFromTheAlphabet() {
        let ids = (0..<200).map { _ in ApprovalRequest.makeID() }
        for id in ids {
            #expect(id.count == 6)
            #expect(id.allSatisfy { ApprovalRequest.idAlphabet.contains($0) })
        }
        #expect(Set(ids).count > 190)  // 30 bits of randomness: 200 ids essentially never collide
    }

    @Test func theWireFormCarriesEverythingAndTheAge() {
        let start = ContinuousClock.now
        let request = ApprovalRequest(
            id: "abc234",
            clientID: "claude",
            tool: "write_file",
            summary: "path=\"a\"",
            description: "full",
            createdAt: start
        )
        let json = request.json(now: start + .milliseconds(1500))
        #expect(json["id"] == "abc234")
        #expect(json["client"] == "claude")
        #expect(json["tool"] == "write_file")
        #expect(json["summary"] == "path=\"a\"")
        #expect(json["description"] == "full")
        #expect(json["age_ms"] == 1500)
    }

    @Test func thePreviewIsSentOnlyWhenAskedFor() {
        var request = ApprovalTestSupport.request()
        request.preview = "diff"
        #expect(request.json()["preview"] == nil)
        #expect(request.json(includingPreview: true)["preview"] == "diff")
        request.preview = nil
        #expect(request.json(includingPreview: true)["preview"] == nil)
    }
}
