import Testing

@testable import BastionProtocol

struct ModernEnvelopeTests {
    private static func params(_ meta: [String: JSONValue]) -> JSONValue { ["_meta": .object(meta)] }

    private static let valid: [String: JSONValue] = [
        ModernEnvelope.Key.protocolVersion: "2026-07-28",
        ModernEnvelope.Key.clientCapabilities: ["elicitation": ["form": [:]]],
        ModernEnvelope.Key.clientInfo: ["name": "mcp", "version": "0.1.0"],
    ]

    @Test func aValidEnvelopeGivesTheRequestsOwnClient() throws {
        let envelope = try ModernEnvelope(params: Self.params(Self.valid))
        #expect(envelope.version == .v2026_07_28)
        #expect(envelope.client.name == "mcp" && envelope.client.version == "0.1.0")
        #expect(envelope.client.supportsElicitation)
        #expect(envelope.logLevel == nil)
    }

    @Test func theProtocolVersionKeyMakesARequestModernExceptInitialize() {
        let params = Self.params(Self.valid)
        #expect(ModernEnvelope.isPresent(method: "tools/list", params: params))
        #expect(!ModernEnvelope.isPresent(method: "initialize", params: params))
        #expect(!ModernEnvelope.isPresent(method: "tools/list", params: ["_meta": ["progressToken": 1]]))
        #expect(!ModernEnvelope.isPresent(method: "tools/list", params: nil))
    }

    @Test(arguments: [(JSONValue.string("p-1"), JSONValue?.some("p-1")), (7, 7), (1.5, nil), (JSONValue.object(["x": 1]), nil)])
    func theProgressTokenIsReadWithTheEnvelopeWhenAStringOrAnInteger(_ token: JSONValue, _ kept: JSONValue?) throws {
        var meta = Self.valid
        meta["progressToken"] = token
        let envelope = try ModernEnvelope(meta: meta)
        #expect(envelope.progressToken == kept)
        #expect(try ModernEnvelope(meta: Self.valid).progressToken == nil)
    }

    @Test func theMetaIsLookedUpOnceAndItsEnvelopeReadFromIt() throws {
        let meta = try #require(ModernEnvelope.meta(method: "tools/call", params: Self.params(Self.valid)))
        #expect(try ModernEnvelope(meta: meta) == ModernEnvelope(params: Self.params(Self.valid)))
        #expect(ModernEnvelope.meta(method: "tools/call", params: ["_meta": "not an object"]) == nil)
    }

    @Test func aMissingOrMistypedKeyIsInvalidParams() {
        var noCapabilities = Self.valid
        noCapabilities[ModernEnvelope.Key.clientCapabilities] = nil
        var listCapabilities = Self.valid
        listCapabilities[ModernEnvelope.Key.clientCapabilities] = []
        var numericVersion = Self.valid
        numericVersion[ModernEnvelope.Key.protocolVersion] = 20_260_728
        var badLevel = Self.valid
        badLevel[ModernEnvelope.Key.logLevel] = "loud"
        for meta in [noCapabilities, listCapabilities, numericVersion, badLevel] {
            do {
                _ = try ModernEnvelope(params: Self.params(meta))
                Issue.record("accepted \(meta)")
            } catch {
                #expect(error.code == JSONRPCError.invalidParamsCode)
            }
        }
    }

    @Test(arguments: ["2025-11-25", "2099-01-01", "", "2026-07-28 "])
    func aVersionNotSpokenWithoutHandshakeIsUnsupported(requested: String) {
        var meta = Self.valid
        meta[ModernEnvelope.Key.protocolVersion] = .string(requested)
        do {
            _ = try ModernEnvelope(params: Self.params(meta))
            Issue.record("accepted \(requested)")
        } catch {
            #expect(error.code == JSONRPCError.unsupportedProtocolVersionCode)
            #expect(error.data?["supported"] == ["2026-07-28"])
            #expect(error.data?["requested"] == .string(requested))
        }
    }

    @Test func aLogLevelIsRead() throws {
        var meta = Self.valid
        meta[ModernEnvelope.Key.logLevel] = "warning"
        #expect(try ModernEnvelope(params: Self.params(meta)).logLevel == .warning)
    }

    @Test func missingClientInfoIsUnknownNotAnError() throws {
        var meta = Self.valid
        meta[ModernEnvelope.Key.clientInfo] = nil
        let envelope = try ModernEnvelope(params: Self.params(meta))
        #expect(envelope.client.name == "unknown")
    }
}
