import Testing

@testable import BastionProtocol

struct ClientInfoTests {
    @Test func keepsNameVersionAndCapabilities() {
        let info = ClientInfo(name: "claude", version: "1.0", capabilities: ["roots": ["listChanged": true]])
        #expect(info.name == "claude")
        #expect(info.version == "1.0")
        #expect(info.capabilities["roots"] == ["listChanged": true])
    }

    @Test func theTasksExtensionIsDeclaredOnlyUnderExtensionsAsAnObject() {
        func info(_ capabilities: [String: JSONValue]) -> ClientInfo {
            ClientInfo(name: "c", version: "1", capabilities: capabilities)
        }
        #expect(info(["extensions": ["io.modelcontextprotocol/tasks": [:]]]).supportsTasksExtension)
        #expect(!info(["extensions": ["io.modelcontextprotocol/tasks": true]]).supportsTasksExtension)
        #expect(!info(["tasks": [:]]).supportsTasksExtension)
        #expect(!info(["io.modelcontextprotocol/tasks": [:]]).supportsTasksExtension)
    }

    @Test func declaresNothingWithoutCapabilities() {
        let info = ClientInfo(name: "c", version: "1", capabilities: [:])
        #expect(!info.supportsRoots)
        #expect(!info.supportsElicitation)
        #expect(!info.supportsSampling)
    }

    @Test(
        arguments: [
            (["roots": [:]], true, false, false),
            (["elicitation": [:]], false, true, false),
            (["sampling": [:]], false, false, true),
            (
                ["roots": ["listChanged": false], "sampling": ["tools": [:]], "elicitation": ["form": [:]]], true, true,
                true
            ),
            (["experimental": ["roots": [:]], "tasks": [:]], false, false, false),
        ] as [([String: JSONValue], Bool, Bool, Bool)]
    )
    func supportFlagsFollowTheDeclaredKeys(
        capabilities: [String: JSONValue],
        roots: Bool,
        elicitation: Bool,
        sampling: Bool
    ) {
        let info = ClientInfo(name: "c", version: "1", capabilities: capabilities)
        #expect(info.supportsRoots == roots)
        #expect(info.supportsElicitation == elicitation)
        #expect(info.supportsSampling == sampling)
    }

    @Test func anEmptyObjectStillDeclaresTheCapability() {
        // The spec's `sampling: {}` means "supported"; only absence means "not supported".
        #expect(ClientInfo(name: "c", version: "1", capabilities: ["sampling": [:]]).supportsSampling)
    }

    @Test func equalityComparesEveryField() {
        let info = ClientInfo(name: "c", version: "1", capabilities: [:])
        #expect(info == ClientInfo(name: "c", version: "1", capabilities: [:]))
        #expect(info != ClientInfo(name: "d", version: "1", capabilities: [:]))
        #expect(info != ClientInfo(name: "c", version: "2", capabilities: [:]))
        #expect(info != ClientInfo(name: "c", version: "1", capabilities: ["roots": [:]]))
    }

    @Test func theLoggedNameIsEscapedAndBounded() {
        let info = ClientInfo(
            name: "evil\n2026 critical forged\u{202E}" + String(repeating: "x", count: 500),
            version: "1",
            capabilities: [:]
        )
        #expect(!info.loggedName.contains("\n"))
        #expect(!info.loggedName.unicodeScalars.contains("\u{202E}"))
        #expect(info.loggedName.hasPrefix("evil\\u{A}2026 critical forged\\u{202E}x"))
        #expect(info.loggedName.utf8.count <= 128 + "…".utf8.count)
        #expect(ClientInfo(name: "claude-code", version: "1", capabilities: [:]).loggedName == "claude-code")
    }
}
