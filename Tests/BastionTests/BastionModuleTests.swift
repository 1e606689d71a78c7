import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

/// A module that registers only tools, relying on the default for resources.
private struct ToolsOnlyModule: BastionModule {
    var name: String { "tools-only" }
    func register(in tools: inout ToolRegistry) {
        tools.register(name: "ping_tool", description: "d", inputSchema: ["type": "object"], permissions: .public) {
            _,
            _ in .text("pong")
        }
    }
}

/// A module that registers both.
private struct FullModule: BastionModule {
    var name: String { "full" }
    func register(in tools: inout ToolRegistry) {
        tools.register(name: "full_tool", description: "d", inputSchema: ["type": "object"], permissions: .public) {
            _,
            _ in .text("")
        }
    }
    func register(in resources: inout ResourceRegistry) {
        resources.register(uri: "full://r", name: "R", permissions: .public) { _ in [] }
    }
}

struct BastionModuleTests {
    @Test func theDefaultRegistersNoResources() {
        let module: any BastionModule = ToolsOnlyModule()
        var tools = ToolRegistry()
        var resources = ResourceRegistry()
        module.register(in: &tools)
        module.register(in: &resources)
        #expect(tools.tools.map(\.name) == ["ping_tool"])
        #expect(resources.resources.isEmpty)
        #expect(resources.templates.isEmpty)
        #expect(resources.problems.isEmpty)
    }

    @Test func modulesShareOneRegistryInOrder() {
        let modules: [any BastionModule] = [ToolsOnlyModule(), FullModule()]
        var tools = ToolRegistry()
        var resources = ResourceRegistry()
        for module in modules {
            module.register(in: &tools)
            module.register(in: &resources)
        }
        #expect(tools.tools.map(\.name) == ["ping_tool", "full_tool"])
        #expect(resources.resources.map(\.uri) == ["full://r"])
        #expect(modules.map(\.name) == ["tools-only", "full"])
    }

    @Test func registeringAModuleTwiceIsReportedAsAProblem() {
        var tools = ToolRegistry()
        ToolsOnlyModule().register(in: &tools)
        ToolsOnlyModule().register(in: &tools)
        #expect(tools.tools.count == 1)
        #expect(tools.problems == ["tool \"ping_tool\" is registered twice"])
    }
}
