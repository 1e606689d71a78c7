import Testing

@testable import BastionProtocol

struct DecodingFailureTests {
    @Test func keepsTheIDAndTheError() {
        let failure = DecodingFailure(id: .int(3), error: .invalidRequest("x"))
        #expect(failure.id == .int(3))
        #expect(failure.error.code == JSONRPCError.invalidRequestCode)
    }

    @Test func equalityComparesIDAndError() {
        let failure = DecodingFailure(id: .int(3), error: .invalidRequest("x"))
        #expect(failure == DecodingFailure(id: .int(3), error: .invalidRequest("x")))
        #expect(failure != DecodingFailure(id: nil, error: .invalidRequest("x")))
        #expect(failure != DecodingFailure(id: .string("3"), error: .invalidRequest("x")))
        #expect(failure != DecodingFailure(id: .int(3), error: .invalidRequest("y")))
        #expect(Set([failure, failure, DecodingFailure(id: nil, error: .invalidRequest("x"))]).count == 2)
    }

    @Test func decodeReportsTheReadableIDOfABadMessage() throws {
        let result = JSONRPCMessage.decode(["jsonrpc": "2.0", "id": "r1", "method": 5])
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(failure.id == .string("r1"))
        #expect(failure.error.code == JSONRPCError.invalidRequestCode)
    }

    @Test func decodeReportsNoIDWhenItCannotBeRead() {
        let result = JSONRPCMessage.decode(["jsonrpc": "2.0", "id": true, "method": "ping"])
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(failure.id == nil)
    }

    @Test func canBeThrownAsAnError() {
        func fail() throws(DecodingFailure) { throw DecodingFailure(id: nil, error: .parseError("x")) }
        let error = #expect(throws: DecodingFailure.self) { try fail() }
        #expect(error?.error.code == JSONRPCError.parseErrorCode)
    }
}
