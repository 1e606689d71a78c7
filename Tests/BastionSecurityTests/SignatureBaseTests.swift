import BastionProtocol
import RawStructuredFieldValues
import Testing

@testable import BastionSecurity

/// RFC 9421 §2.5 signature bases (SignatureBase.swift), checked against the RFC's own.
struct SignatureBaseTests {
    /// The inner list of `member` in a `Signature-Input` value.
    static func innerList(_ signatureInput: String, label: String = "sig1") throws -> InnerList {
        var parser = StructuredFieldValueParser(Array(signatureInput.utf8))
        guard case .innerList(let list) = try parser.parseDictionaryFieldValue()[label] else {
            throw AuthenticationError.signatureRefused("test: no inner list")
        }
        return list
    }

    static func base(
        _ components: String,
        request: SignedHTTPRequest = SignedRequests.rfcRequest
    ) throws(AuthenticationError) -> String {
        let list: InnerList
        do { list = try innerList("sig1=(\(components));created=1") } catch { throw .signatureRefused("\(error)") }
        let base = try SignatureBase(request: request, parameters: list)
        return String(decoding: base.bytes, as: UTF8.self)
    }

    @Test func theRFCsHMACExampleBaseIsRebuiltByteForByte() throws {
        let input = #"sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret""#
        let base = try SignatureBase(
            request: SignedRequests.rfcRequest,
            parameters: Self.innerList(input, label: "sig-b25")
        )
        #expect(base.bytes == Array(SignatureKeyTests.b25Base.utf8))
        #expect(base.components == ["date", "@authority", "content-type"])
    }

    @Test func theRFCsEd25519ExampleBaseIsRebuiltByteForByte() throws {
        let input =
            #"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length")"#
            + #";created=1618884473;keyid="test-key-ed25519""#
        let base = try SignatureBase(
            request: SignedRequests.rfcRequest,
            parameters: Self.innerList(input, label: "sig-b26")
        )
        #expect(base.bytes == Array(SignatureKeyTests.b26Base.utf8))
        let key = try SignatureKey(parsing: "ed25519:" + SignedRequests.rfcEd25519PublicKey)
        #expect(key.verify(signature: SignatureKeyTests.bytes(SignatureKeyTests.b26Signature), base: base.bytes))
    }

    /// RFC 9421 §2.2's values for B.2's request.
    @Test(
        arguments: [
            ("@method", "POST"), ("@target-uri", "https://example.com/foo?param=Value&Pet=dog"),
            ("@authority", "example.com"), ("@scheme", "https"), ("@path", "/foo"),
            ("@query", "?param=Value&Pet=dog"), ("@request-target", "/foo?param=Value&Pet=dog"),
        ]
    )
    func derivedComponentsHaveTheRFCsValues(name: String, value: String) throws {
        #expect(try Self.base("\"\(name)\"") == "\"\(name)\": \(value)\n\"@signature-params\": (\"\(name)\");created=1")
    }

    @Test func theAuthorityIsLowercasedWithoutTheDefaultPortAndAnEmptyQueryIsAQuestionMark() throws {
        var request = SignedRequests.rfcRequest
        request.targetURI = "HTTPS://Example.COM:443"
        #expect(
            try Self.base(#""@authority" "@scheme" "@path" "@query" "@request-target""#, request: request)
                .hasPrefix(
                    "\"@authority\": example.com\n\"@scheme\": https\n\"@path\": /\n\"@query\": ?\n\"@request-target\": /\n"
                )
        )
        request.targetURI = "http://example.com:8080/a?"
        #expect(
            try Self.base(#""@authority" "@query""#, request: request).hasPrefix(
                "\"@authority\": example.com:8080\n\"@query\": ?\n"
            )
        )
    }

    @Test func fieldLinesAreTrimmedAndJoined() throws {
        var request = SignedRequests.rfcRequest
        request.fields += [.init(name: "x-list", value: "  a, b \t"), .init(name: "x-list", value: "\tc ")]
        #expect(try Self.base(#""x-list""#, request: request).hasPrefix("\"x-list\": a, b, c\n"))
    }

    @Test func theSignatureParametersAreReserializedCanonically() throws {
        let list = try Self.innerList(#"sig1=( "@method"   "@path" );keyid="k";created=1"#)
        let base = try SignatureBase(request: SignedRequests.rfcRequest, parameters: list)
        #expect(
            String(decoding: base.bytes, as: UTF8.self).hasSuffix(
                "\n\"@signature-params\": (\"@method\" \"@path\");keyid=\"k\";created=1"
            )
        )
    }

    @Test(
        arguments: [
            #""x-absent""#, #""date" "date""#, #""@status""#, #""@query-param";name="param""#,
            #""@signature-params""#, #""date";sf"#, #""date";key="a""#, #""date";bs"#, #""date";req"#,
            #""date";tr"#, #""Date""#, "date", #""@""#, #""""#, #""a b""#,
        ]
    )
    func unsupportedComponentsAreRefused(components: String) throws {
        let error = try #require(throws: AuthenticationError.self) { try Self.base(components) }
        #expect(error.code == .invalidCredentials)
    }

    @Test(arguments: ["a\nb", "caf\u{E9}", "a\u{0}b"])
    func aValueABaseCannotHoldIsRefused(value: String) throws {
        var request = SignedRequests.rfcRequest
        request.fields.append(.init(name: "x-bad", value: value))
        #expect(throws: AuthenticationError.self) { try Self.base(#""x-bad""#, request: request) }
    }

    @Test(arguments: [
        "/foo", "example.com/foo", "https://user@example.com/", "https://example.com/#f", "https://", "1x://a/",
    ])
    func aTargetURIThatCannotBeSplitIsRefusedForURIComponents(uri: String) throws {
        var request = SignedRequests.rfcRequest
        request.targetURI = uri
        #expect(throws: AuthenticationError.self) { try Self.base(#""@target-uri""#, request: request) }
        #expect(try Self.base(#""@method""#, request: request).hasPrefix("\"@method\": POST\n"))
    }
}
