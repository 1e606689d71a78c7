import Testing

@testable import BastionProtocol

/// The request a signature covers, as the transport copies it (SignedHTTPRequest.swift).
struct SignedHTTPRequestTests {
    @Test func fieldsKeepTheirOrderAndRepeats() {
        let request = SignedHTTPRequest(
            method: "POST",
            targetURI: "https://h/mcp",
            fields: [.init(name: "a", value: "1"), .init(name: "b", value: "2"), .init(name: "a", value: "3")],
            body: [1, 2]
        )
        #expect(request.fields.map(\.value) == ["1", "2", "3"])
        #expect(request.method == "POST")
        #expect(request.body == [1, 2])
    }

    @Test func twoRequestsDifferingInOneFieldAreNotEqual() {
        let one = SignedHTTPRequest(
            method: "POST",
            targetURI: "https://h/",
            fields: [.init(name: "a", value: "1")],
            body: []
        )
        var other = one
        other.fields[0].value = "2"
        #expect(one != other)
        #expect(
            one
                == SignedHTTPRequest(
                    method: "POST",
                    targetURI: "https://h/",
                    fields: [.init(name: "a", value: "1")],
                    body: []
                )
        )
    }
}
