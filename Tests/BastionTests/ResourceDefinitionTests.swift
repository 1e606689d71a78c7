import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ResourceDefinitionTests {
    @Test func theListingHasEveryGivenField() throws {
        var registry = ResourceRegistry()
        registry.register(
            uri: "bastion://info",
            name: "Info",
            description: "What it is",
            mimeType: "application/json",
            permissions: [.fileRead(glob: nil)]
        ) { _ in [] }
        let resource = try #require(registry.resources.first)
        #expect(
            resource.listing == [
                "uri": "bastion://info", "name": "Info", "description": "What it is", "mimeType": "application/json",
            ]
        )
        #expect(resource.permissions == [.fileRead(glob: nil)])
    }

    @Test func optionalFieldsAreLeftOut() throws {
        var registry = ResourceRegistry()
        registry.register(uri: "bastion://bare", name: "Bare", permissions: .public) { _ in [] }
        #expect(try #require(registry.resources.first).listing == ["uri": "bastion://bare", "name": "Bare"])
    }

    @Test func theReaderGetsTheClient() async throws {
        var registry = ResourceRegistry()
        registry.register(uri: "bastion://me", name: "Me", permissions: .public) { client in
            [.text(uri: "bastion://me", mimeType: nil, text: client.id)]
        }
        let resource = try #require(registry.resources.first)
        let contents = try await resource.read(SessionTestSupport.makeClient(id: "ada"))
        #expect(contents == [.text(uri: "bastion://me", mimeType: nil, text: "ada")])
    }
}
