import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import BastionTransport

/// The media-type and body checks (HTTPRequestChecks.swift).
struct HTTPRequestChecksTests {
    private func request(_ headers: [(String, String)], body: String = "") -> Request {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "h", path: "/mcp", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(string: body))
        )
    }

    @Test(arguments: [
        "application/json, text/event-stream", "text/event-stream;q=0.9, application/json", "*/*",
        "application/*, text/*", " application/json ,text/event-stream ",
    ])
    func anAcceptListingBothPasses(accept: String) throws {
        try HTTPRequestChecks.checkAccept(request([("Accept", accept)]))
    }

    @Test(arguments: ["application/json", "text/event-stream", "", "application/jsonx, text/event-stream"])
    func anAcceptMissingOneIs406(accept: String) {
        let refusal = #expect(throws: HTTPRefusal.self) {
            try HTTPRequestChecks.checkAccept(request([("Accept", accept)]))
        }
        #expect(refusal?.status == 406)
    }

    @Test func theContentTypeMustBeJSONWithAnyParameters() throws {
        try HTTPRequestChecks.checkContentType(request([("Content-Type", "application/json; charset=utf-8")]))
        try HTTPRequestChecks.checkContentType(request([("Content-Type", "Application/JSON")]))
        let refusal = #expect(throws: HTTPRefusal.self) { try HTTPRequestChecks.checkContentType(request([])) }
        #expect(refusal?.status == 415)
    }

    @Test func aBodyIsReadUpToTheLimit() async throws {
        #expect(try await HTTPRequestChecks.collectBody(request([], body: "12345"), limit: 5) == Array("12345".utf8))
        let refusal = await #expect(throws: HTTPRefusal.self) {
            _ = try await HTTPRequestChecks.collectBody(request([], body: "123456"), limit: 5)
        }
        #expect(refusal?.status == 413)
    }

    @Test func aDeclaredLengthOverTheLimitIs413BeforeReading() async {
        let refusal = await #expect(throws: HTTPRefusal.self) {
            _ = try await HTTPRequestChecks.collectBody(request([("Content-Length", "999999")], body: "{}"), limit: 5)
        }
        #expect(refusal?.status == 413)
    }
}
