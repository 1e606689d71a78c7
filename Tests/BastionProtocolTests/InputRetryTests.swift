import Testing

@testable import BastionProtocol

struct InputRetryTests {
    @Test func aRetryCarriesItsAnswersAndState() throws {
        let params = try JSONParser.parse(
            #"{"name":"t","inputResponses":{"approval":{"action":"accept"}},"requestState":"bst1.00"}"#
        )
        let retry = InputRetry(params: params)
        #expect(retry.responses?["approval"]?["action"] == "accept")
        #expect(retry.state == "bst1.00")
        #expect(retry.isRetry)
    }

    @Test func aFirstCallIsNoRetry() throws {
        let retry = InputRetry(params: try JSONParser.parse(#"{"name":"t","arguments":{}}"#))
        #expect(retry == InputRetry())
        #expect(!retry.isRetry)
        #expect(!InputRetry(params: nil).isRetry)
    }

    @Test func answersThatAreNoObjectAreNone() throws {
        let retry = InputRetry(params: try JSONParser.parse(#"{"inputResponses":[1],"requestState":7}"#))
        #expect(retry.responses == nil)
        // The state is kept as sent: whoever sealed it refuses it.
        #expect(retry.state == 7)
    }
}
