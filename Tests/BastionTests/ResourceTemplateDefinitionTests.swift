import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ResourceTemplateDefinitionTests {
    @Test func theListingUsesTheTemplatePattern() throws {
        var registry = ResourceRegistry()
        registry.registerTemplate(
            "bastion://files/{path}",
            name: "Files",
            description: "A file",
            mimeType: "text/plain",
            permissions: .public
        ) { _, _, _ in [] }
        let template = try #require(registry.templates.first)
        #expect(
            template.listing == [
                "uriTemplate": "bastion://files/{path}", "name": "Files", "description": "A file",
                "mimeType": "text/plain",
            ]
        )
        #expect(template.template.variables == ["path"])
        #expect(template.complete == nil)
    }

    @Test func optionalFieldsAreLeftOut() throws {
        var registry = ResourceRegistry()
        registry.registerTemplate("x://{a}", name: "X", permissions: .public) { _, _, _ in [] }
        #expect(try #require(registry.templates.first).listing == ["uriTemplate": "x://{a}", "name": "X"])
    }

    @Test func theReaderAndCompleterAreKept() async throws {
        var registry = ResourceRegistry()
        registry.registerTemplate(
            "x://{a}",
            name: "X",
            permissions: .public,
            complete: { variable, prefix in [variable + prefix] },
            read: { _, uri, variables in [.text(uri: uri, mimeType: nil, text: variables["a"] ?? "-")] }
        )
        let template = try #require(registry.templates.first)
        #expect(template.complete?("a", "b") == ["ab"])
        let contents = try await template.read(SessionTestSupport.makeClient(), "x://v", ["a": "v"])
        #expect(contents == [.text(uri: "x://v", mimeType: nil, text: "v")])
    }
}
