import Testing

@testable import BastionProtocol

struct ServerCapabilitiesTests {
    @Test func defaultsDeclareOnlyLogging() {
        let capabilities = ServerCapabilities()
        #expect(!capabilities.tools)
        #expect(!capabilities.resources)
        #expect(!capabilities.resourceSubscriptions)
        #expect(!capabilities.prompts)
        #expect(capabilities.logging)
        #expect(!capabilities.completions)
        for version in ProtocolVersion.allCases {
            #expect(capabilities.json(for: version) == ["logging": [:]])
        }
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func nothingDeclaredIsAnEmptyObject(version: ProtocolVersion) {
        let capabilities = ServerCapabilities(logging: false)
        #expect(capabilities.json(for: version) == [:])
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func everythingDeclaredFollowsTheVersion(version: ProtocolVersion) {
        let capabilities = ServerCapabilities(
            tools: true,
            resources: true,
            resourceSubscriptions: true,
            prompts: true,
            logging: true,
            completions: true
        )
        var expected: [String: JSONValue] = [
            "tools": ["listChanged": false],
            "resources": ["subscribe": true, "listChanged": false],
            "prompts": ["listChanged": false],
            "logging": [:],
        ]
        // completion/complete exists in 2024-11-05, but the capability key only from 2025-03-26.
        if version != .v2024_11_05 { expected["completions"] = [:] }
        #expect(capabilities.json(for: version) == .object(expected))
    }

    @Test func completionsKeyIsAbsentFor2024_11_05() {
        let json = ServerCapabilities(completions: true).json(for: .v2024_11_05)
        #expect(json["completions"] == nil)
        #expect(ServerCapabilities(completions: true).json(for: .v2025_03_26)["completions"] == [:])
    }

    @Test func resourcesWithoutSubscriptionsSaySo() {
        let json = ServerCapabilities(resources: true, logging: false).json(for: .latest)
        #expect(json == ["resources": ["subscribe": false, "listChanged": false]])
    }

    @Test func subscriptionsAloneDeclareNothing() {
        // `subscribe` is a flag of the resources capability; without resources there is nothing to declare.
        let json = ServerCapabilities(resourceSubscriptions: true, logging: false).json(for: .latest)
        #expect(json == [:])
    }

    @Test func listChangedIsDeclaredOnlyForToolsAndOnlyWhenAsked() {
        let json = ServerCapabilities(tools: true, resources: true, prompts: true).json(for: .latest)
        for key in ["tools", "resources", "prompts"] {
            #expect(json[key]?["listChanged"] == false, "\(key)")
        }
        let changing = ServerCapabilities(tools: true, toolsListChanged: true).json(for: .latest)
        #expect(changing["tools"] == ["listChanged": true])
    }

    @Test func tasksAreDeclaredFrom2025_11_25Only() {
        let capabilities = ServerCapabilities(tools: true, logging: false, tasks: true)
        #expect(
            capabilities.json(for: .v2025_11_25)["tasks"] == [
                "list": [:], "cancel": [:], "requests": ["tools": ["call": [:]]],
            ]
        )
        for version in [ProtocolVersion.v2024_11_05, .v2025_03_26, .v2025_06_18] {
            #expect(capabilities.json(for: version)["tasks"] == nil, "\(version)")
        }
        #expect(ServerCapabilities(tools: true).json(for: .v2025_11_25)["tasks"] == nil)
    }

    @Test func tasksAreTheExtensionOn2026_07_28AndNowhereElse() {
        let capabilities = ServerCapabilities(tools: true, logging: false, tasks: true)
        #expect(capabilities.json(for: .v2026_07_28)["extensions"] == ["io.modelcontextprotocol/tasks": [:]])
        #expect(capabilities.json(for: .v2026_07_28)["tasks"] == nil)
        #expect(capabilities.json(for: .v2025_11_25)["extensions"] == nil)
        #expect(ServerCapabilities(tools: true).json(for: .v2026_07_28)["extensions"] == nil)
    }
}
