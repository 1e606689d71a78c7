import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolTaskSupportTests {
    @Test func rawValuesAreTheSpecsSpelling() {
        #expect([ToolTaskSupport.forbidden, .optional, .required].map(\.rawValue) == ["forbidden", "optional", "required"])
    }

    @Test func aToolDeclaresTaskSupportOnlyFrom2025_11_25AndOnlyWhenNotForbidden() {
        var registry = ToolRegistry()
        registry.register(
            name: "long",
            description: "d",
            inputSchema: ["type": "object"],
            permissions: .public,
            taskSupport: .optional
        ) { _, _ in ToolResult.text("x") }
        registry.register(name: "short", description: "d", inputSchema: ["type": "object"], permissions: .public) {
            _, _ in ToolResult.text("x")
        }
        let long = registry.tools[0]
        let short = registry.tools[1]
        #expect(long.listing(for: .v2025_11_25)["execution"] == ["taskSupport": "optional"])
        #expect(long.listing(for: .v2025_06_18)["execution"] == nil)
        #expect(short.listing(for: .v2025_11_25)["execution"] == nil)
    }
}
