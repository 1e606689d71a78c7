import Testing

@testable import BastionResources

struct ExecutionRegistryTests {
    @Test func eachClientIsCappedOnItsOwn() throws {
        let registry = ExecutionRegistry()
        let control = try #require(RunControl())
        let first = try #require(registry.admit(client: "a", cap: 1, control: control))
        #expect(registry.admit(client: "a", cap: 1, control: control) == nil)
        #expect(registry.admit(client: "b", cap: 1, control: control) != nil)
        registry.finish(first)
        #expect(registry.running(client: "a") == 0)
        #expect(registry.admit(client: "a", cap: 1, control: control) != nil)
    }

    @Test func stopAllStopsEveryRunAndRefusesNewOnes() throws {
        let registry = ExecutionRegistry()
        let control = try #require(RunControl())
        _ = registry.admit(client: "a", cap: 4, control: control)
        registry.stopAll()
        #expect(control.stopReason == .shutdown)
        #expect(registry.admit(client: "a", cap: 4, control: control) == nil)
        #expect(registry.isStopped)
    }
}
