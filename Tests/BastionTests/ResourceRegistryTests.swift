import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ResourceRegistryTests {
    @Test func resourcesAndTemplatesKeepRegistrationOrder() {
        var registry = ResourceRegistry()
        registry.register(uri: "b://2", name: "B", permissions: .public) { _ in [] }
        registry.register(uri: "a://1", name: "A", permissions: .public) { _ in [] }
        registry.registerTemplate("t://{x}", name: "T1", permissions: .public) { _, _, _ in [] }
        registry.registerTemplate("s://{y}", name: "T2", permissions: .public) { _, _, _ in [] }
        #expect(registry.resources.map(\.uri) == ["b://2", "a://1"])
        #expect(registry.templates.map(\.name) == ["T1", "T2"])
        #expect(registry.problems.isEmpty)
    }

    @Test func aDuplicateURIIsAProblemAndTheFirstStays() {
        var registry = ResourceRegistry()
        registry.register(uri: "b://x", name: "first", permissions: .public) { _ in [] }
        registry.register(uri: "b://x", name: "second", permissions: .public) { _ in [] }
        #expect(registry.resources.map(\.name) == ["first"])
        #expect(registry.problems == ["resource \"b://x\" is registered twice"])
    }

    @Test(arguments: ["t://{", "t://{}", "t://{a}{b}"])
    func aMalformedTemplateIsAProblem(pattern: String) {
        var registry = ResourceRegistry()
        registry.registerTemplate(pattern, name: "bad", permissions: .public) { _, _, _ in [] }
        #expect(registry.templates.isEmpty)
        #expect(registry.problems == ["resource template \"\(pattern)\" is malformed"])
    }

    @Test func permissionsAreKept() {
        var registry = ResourceRegistry()
        registry.register(uri: "a://", name: "A", permissions: [.custom(name: "x")]) { _ in [] }
        registry.registerTemplate("t://{x}", name: "T", permissions: [.fileRead(glob: nil)]) { _, _, _ in [] }
        #expect(registry.resources.first?.permissions == [.custom(name: "x")])
        #expect(registry.templates.first?.permissions == [.fileRead(glob: nil)])
    }

    @Test func aResourceThatDeclaresNoPermissionsIsAProblem() {
        var registry = ResourceRegistry()
        registry.register(uri: "a://1", name: "A") { _ in [] }
        registry.registerTemplate("t://{x}", name: "T", permissions: []) { _, _, _ in [] }
        #expect(registry.resources.isEmpty && registry.templates.isEmpty)
        #expect(registry.problems.count == 2)
        #expect(registry.problems.allSatisfy { $0.contains("declares no permissions") })
    }
}
