import Testing

@testable import BastionProtocol

struct TasksExtensionTests {
    @Test func theMissingCapabilityErrorNamesTheExtensionAsSEP2663Shows() {
        let error = TasksExtension.missing("tasks/get")
        #expect(error.code == JSONRPCError.missingRequiredClientCapabilityCode)
        #expect(error.data?["requiredCapabilities"] == ["extensions": ["io.modelcontextprotocol/tasks": [:]]])
        #expect(error.message.contains("tasks/get"))
    }

    @Test func onlyTheStatelessRevisionHasTheExtension() {
        #expect(ProtocolVersion.v2026_07_28.hasTasksExtension)
        #expect(ProtocolVersion.handshakeVersions.allSatisfy { !$0.hasTasksExtension })
    }
}
