import BastionProtocol
import Testing

@testable import BastionSecurity

/// Reading one labelled signature from a request (SignatureInput.swift).
struct SignatureInputTests {
    static let signature = "sig1=:" + String(repeating: "A", count: 86) + "==:"

    static func request(input: String, signature: String = Self.signature) -> SignedHTTPRequest {
        SignedHTTPRequest(
            method: "POST",
            targetURI: "https://h/mcp",
            fields: [.init(name: "signature-input", value: input), .init(name: "signature", value: signature)],
            body: []
        )
    }

    @Test func theComponentsParametersAndSignatureAreRead() throws {
        let input = try SignatureInput(
            Self.request(
                input:
                    #"sig1=("@method" "@target-uri");created=1700000000;expires=1700000300;keyid="c";alg="ed25519";nonce="n""#
            ),
            label: "sig1"
        )
        #expect(input.components == ["@method", "@target-uri"])
        #expect(input.created == 1_700_000_000)
        #expect(input.expires == 1_700_000_300)
        #expect(input.keyID == "c")
        #expect(input.algorithm == "ed25519")
        #expect(input.nonce == "n")
        #expect(input.signature.count == 64)
    }

    @Test func theMembersMaySpanSeveralFieldLines() throws {
        var request = Self.request(input: #"other=("@method");created=1;keyid="x";nonce="y""#)
        request.fields.append(.init(name: "signature-input", value: #"sig1=("@method");created=2;keyid="c";nonce="n""#))
        #expect(try SignatureInput(request, label: "sig1").created == 2)
    }

    @Test(arguments: [
        (#"sig1=("@method");created=1;keyid="c""#, "no nonce"),
        (#"sig1=("@method");created=-1;keyid="c";nonce="n""#, "non-negative integer"),
        (#"sig1=("@method");created="1";keyid="c";nonce="n""#, "non-negative integer"),
        (#"sig1=("@method");created=1;keyid=c;nonce="n""#, "string of 1 to"),
        (#"sig1=("@method");created=1;keyid="";nonce="n""#, "string of 1 to"),
        (#"sig1="@method";created=1;keyid="c";nonce="n""#, "no sig1 inner list"),
        (#"sig2=("@method");created=1;keyid="c";nonce="n""#, "no sig1 inner list"),
        (#"sig1=("@method"#, "not a structured dictionary"),
    ])
    func aBadInputIsRefusedSayingWhy(input: String, why: String) throws {
        let error = try #require(throws: AuthenticationError.self) {
            try SignatureInput(Self.request(input: input), label: "sig1")
        }
        #expect(error.message.contains(why))
    }

    @Test(arguments: [
        "sig1=:AAAA", "sig1=abc", "sig1=::", "sig2=:AAAA:", "sig1=:" + String(repeating: "A", count: 800) + ":",
    ])
    func aBadSignatureMemberIsRefused(signature: String) throws {
        let error = try #require(throws: AuthenticationError.self) {
            try SignatureInput(
                Self.request(input: #"sig1=("@method");created=1;keyid="c";nonce="n""#, signature: signature),
                label: "sig1"
            )
        }
        #expect(error.message.lowercased().contains("signature"))
    }

    @Test func anOversizedFieldIsRefusedBeforeItIsParsed() throws {
        let input = "sig1=(" + String(repeating: "\"x\" ", count: 3000) + ");created=1;keyid=\"c\";nonce=\"n\""
        let error = try #require(throws: AuthenticationError.self) {
            try SignatureInput(Self.request(input: input), label: "sig1")
        }
        #expect(error.message.contains("longer than"))
    }
}
