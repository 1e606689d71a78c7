import BastionProtocol
import Testing

@testable import BastionTransport

/// What a handshake-era POST holds (PostedBody.swift).
struct PostedBodyTests {
    private func read(_ text: String) -> PostedBody? { PostedBody(Array(text.utf8)) }

    @Test func aRequestHasItsID() {
        let body = read(#"{"jsonrpc":"2.0","id":"a","method":"tools/list"}"#)
        #expect(body?.requestIDs == [.string("a")])
        #expect(body?.isInitialize == false)
    }

    @Test func initializeIsRecognisedOnlyAsARequest() {
        #expect(read(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#)?.isInitialize == true)
        #expect(read(#"{"jsonrpc":"2.0","method":"initialize"}"#)?.isInitialize == false)
        #expect(read(#"[{"jsonrpc":"2.0","id":0,"method":"initialize"}]"#)?.isInitialize == false)
    }

    @Test func notificationsAndResponsesHoldNoRequest() {
        #expect(read(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)?.requestIDs == [])
        #expect(read(#"{"jsonrpc":"2.0","id":3,"result":{}}"#)?.requestIDs == [])
    }

    @Test func aBatchHasTheIDsOfItsRequests() {
        let body = read(
            #"[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":2,"method":"b"}]"#
        )
        #expect(body?.requestIDs == [.int(1), .int(2)])
    }

    /// Review 16: a batch's every member is a message the session handles and records, so the
    /// rate limit charges them all, requests or not.
    @Test func aBatchCountsEveryMember() throws {
        let batch = PostedBody(Array(#"[{"jsonrpc":"2.0","id":1},{"jsonrpc":"2.0","method":"n"},3]"#.utf8))
        #expect(batch?.messageCount == 3)
        #expect(batch?.requestIDs.isEmpty == true)
        #expect(PostedBody(Array(#"{"jsonrpc":"2.0","method":"n"}"#.utf8))?.messageCount == 1)
        #expect(PostedBody(Array("[]".utf8))?.messageCount == 1)
    }

    @Test(arguments: ["{nope", "", "\u{FF}"])
    func aBodyThatIsNotJSONIsNil(text: String) {
        #expect(read(text) == nil)
    }
}
