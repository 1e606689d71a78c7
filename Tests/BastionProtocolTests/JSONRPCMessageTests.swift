import Testing

@testable import BastionProtocol

struct JSONRPCMessageTests {
    // MARK: decoding valid messages

    static let validMessages: [(String, JSONRPCMessage)] = [
        (
            #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"c"}}"#,
            .request(id: .int(1), method: "tools/list", params: .object(["cursor": .string("c")]))
        ),
        (#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#, .request(id: .string("a"), method: "ping", params: nil)),
        (#"{"jsonrpc":"2.0","id":2.0,"method":"ping"}"#, .request(id: .int(2), method: "ping", params: nil)),
        (
            #"{"jsonrpc":"2.0","id":3,"method":"m","params":[1,2]}"#,
            .request(id: .int(3), method: "m", params: .array([.int(1), .int(2)]))
        ),
        (
            #"{"jsonrpc":"2.0","id":4,"method":"m","params":{}}"#,
            .request(id: .int(4), method: "m", params: .object([:]))
        ),
        (
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            .notification(method: "notifications/initialized", params: nil)
        ),
        (
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#,
            .notification(method: "notifications/cancelled", params: .object(["requestId": .int(1)]))
        ),
        (#"{"jsonrpc":"2.0","id":5,"result":{}}"#, .response(id: .int(5), result: .object([:]))),
        (
            #"{"jsonrpc":"2.0","id":"x","result":{"roots":[]}}"#,
            .response(id: .string("x"), result: .object(["roots": .array([])]))
        ),
        (
            #"{"jsonrpc":"2.0","id":6,"error":{"code":-32601,"message":"no"}}"#,
            .errorResponse(id: .int(6), error: JSONRPCError(code: -32601, message: "no"))
        ),
        (
            #"{"jsonrpc":"2.0","id":7,"error":{"code":-32002,"message":"gone","data":{"uri":"u"}}}"#,
            .errorResponse(
                id: .int(7),
                error: JSONRPCError(code: -32002, message: "gone", data: .object(["uri": .string("u")]))
            )
        ),
        (
            #"{"jsonrpc":"2.0","id":8,"error":{"code":7.0,"message":"m"}}"#,
            .errorResponse(id: .int(8), error: JSONRPCError(code: 7, message: "m"))
        ),
        // Unknown members are ignored.
        (#"{"jsonrpc":"2.0","id":9,"method":"ping","extra":true}"#, .request(id: .int(9), method: "ping", params: nil)),
    ]

    @Test(arguments: validMessages)
    func decodesValidMessages(text: String, expected: JSONRPCMessage) throws {
        #expect(JSONRPCMessage.decode(try JSONParser.parse(text)) == .success(expected))
    }

    // MARK: decoding invalid messages

    /// Invalid messages and the id their error must carry.
    static let invalidMessages: [(String, RequestID?)] = [
        ("5", nil),
        (#""ping""#, nil),
        ("null", nil),
        ("true", nil),
        ("[]", nil),
        (#"{"id":1,"method":"ping"}"#, .int(1)),
        (#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, .int(1)),
        (#"{"jsonrpc":2.0,"id":1,"method":"ping"}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","id":1,"method":5}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"method":null}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"method":["ping"]}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"method":""}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"method":"m","params":5}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"method":"m","params":"p"}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"method":"m","params":true}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"method":"m","params":null}"#, .int(1)),
        (#"{"jsonrpc":"2.0","method":"m","params":5}"#, nil),
        (#"{"jsonrpc":"2.0","method":""}"#, nil),
        (#"{"jsonrpc":"2.0","id":1}"#, .int(1)),
        (#"{"jsonrpc":"2.0"}"#, nil),
        (#"{"jsonrpc":"2.0","result":{}}"#, nil),
        (#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"error":"boom"}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"error":{"message":"m"}}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":1}}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}}"#, .int(1)),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":"1","message":"m"}}"#, .int(1)),
    ]

    @Test(arguments: invalidMessages)
    func rejectsInvalidMessagesWithInvalidRequest(text: String, id: RequestID?) throws {
        let result = JSONRPCMessage.decode(try JSONParser.parse(text))
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure for \(text), got \(result)")
            return
        }
        #expect(failure.error.code == JSONRPCError.invalidRequestCode)
        #expect(failure.id == id)
    }

    @Test func nullIDIsNamedInTheError() throws {
        guard case .failure(let failure) = JSONRPCMessage.decode(["jsonrpc": "2.0", "id": .null, "method": "ping"])
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.error.message.contains("null"))
    }

    @Test func hugeErrorCodesAreClampedNotTrapped() {
        let json: JSONValue = ["jsonrpc": "2.0", "id": 1, "error": ["code": .int(.max), "message": "m"]]
        #expect(
            JSONRPCMessage.decode(json)
                == .success(.errorResponse(id: .int(1), error: JSONRPCError(code: .max, message: "m")))
        )
    }

    // MARK: encoding

    @Test func requestJSONOmitsMissingParams() {
        #expect(
            JSONRPCMessage.request(id: .int(1), method: "ping", params: nil).json == [
                "jsonrpc": "2.0", "id": 1, "method": "ping",
            ]
        )
        #expect(
            JSONRPCMessage.request(id: .string("a"), method: "m", params: ["k": 1]).json
                == ["jsonrpc": "2.0", "id": "a", "method": "m", "params": ["k": 1]]
        )
    }

    @Test func notificationJSONHasNoID() {
        let json = JSONRPCMessage.notification(method: "notifications/progress", params: ["progress": 1]).json
        #expect(json == ["jsonrpc": "2.0", "method": "notifications/progress", "params": ["progress": 1]])
        #expect(JSONRPCMessage.notification(method: "n", params: nil).json == ["jsonrpc": "2.0", "method": "n"])
    }

    @Test func responseJSONHasIDAndResult() {
        #expect(JSONRPCMessage.response(id: .int(3), result: [:]).json == ["jsonrpc": "2.0", "id": 3, "result": [:]])
    }

    @Test func errorResponseWithoutIDWritesNullID() {
        let json = JSONRPCMessage.errorResponse(id: nil, error: .parseError("x")).json
        #expect(json["id"] == .null)
        #expect(json["error"]?["code"] == .int(-32700))
        #expect(json["result"] == nil)
    }

    @Test(arguments: [
        JSONRPCMessage.request(id: .int(1), method: "tools/call", params: ["name": "echo"]),
        .request(id: .string("s"), method: "ping", params: nil),
        .notification(method: "notifications/initialized", params: nil),
        .notification(method: "n", params: [1]),
        .response(id: .int(2), result: ["a": [true, .null]]),
        .errorResponse(id: .string("e"), error: JSONRPCError(code: -32602, message: "bad", data: ["k": "v"])),
    ])
    func encodingThenDecodingGivesTheSameMessage(message: JSONRPCMessage) {
        #expect(JSONRPCMessage.decode(message.json) == .success(message))
    }

    @Test func errorResponseWithNullIDDecodes() {
        let json: JSONValue = ["jsonrpc": "2.0", "id": .null, "error": ["code": -32700, "message": "Parse error"]]
        #expect(
            JSONRPCMessage.decode(json)
                == .success(.errorResponse(id: nil, error: JSONRPCError(code: -32700, message: "Parse error")))
        )
    }
}
