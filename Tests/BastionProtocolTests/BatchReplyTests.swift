import Testing

@testable import BastionProtocol

struct BatchReplyTests {
    private let session = SessionHarness().session

    private func member(_ id: Int) -> RequestContext {
        RequestContext(id: .int(Int64(id)), method: "m", params: nil, session: session)
    }

    @Test func theBatchEndsOnlyOnceTheReaderLetGoAndEveryMemberSettled() {
        let batch = BatchReply()
        batch.expect(member(1))
        batch.expect(member(2))
        #expect(batch.settle(["id": 1]) == nil)  // early member: the reader still holds the batch
        #expect(batch.settleMembers(adding: [["id": "inline"]]) == nil)
        let completion = batch.settle(["id": 2])
        #expect(completion?.answers == [["id": 1], ["id": "inline"], ["id": 2]])
        #expect(completion?.members.map(\.id) == [.int(1), .int(2)])
    }

    @Test func aCancelledMemberHasNoElement() {
        let batch = BatchReply()
        batch.expect(member(1))
        #expect(batch.settleMembers(adding: []) == nil)
        #expect(batch.settle(nil)?.answers == [])
    }

    @Test func aBatchWhoseMembersAllSettledEndsWithTheReader() {
        let batch = BatchReply()
        batch.expect(member(1))
        #expect(batch.settle(["id": 1]) == nil)
        #expect(batch.settleMembers(adding: [])?.answers == [["id": 1]])
    }
}
