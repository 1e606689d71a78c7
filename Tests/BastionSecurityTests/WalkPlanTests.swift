import Testing

@testable import BastionSecurity

struct WalkPlanTests {
    private func rules(readOnly: Bool = false) throws -> CompiledRules? {
        let rules = PermissionManager.ClientRules(
            permissions: [try Permission(parsing: "file_read"), try Permission(parsing: "file_write")],
            deny: ["**/.env"],
            isReadOnly: readOnly,
            workdir: "/nonexistent-w/ana",
            home: "/nonexistent-h/ana"
        )
        return try PermissionManager(protectedPaths: ["/nonexistent-s/audit.jsonl"], rules: ["ana": rules]).client("ana").rules
    }

    @Test func readConsultsOwnFilesThenDenyThenGrants() throws {
        let lists = try #require(WalkPlan(try rules(), access: .read).lists)
        #expect(lists.map(\.allows) == [false, false, true])
    }

    @Test func writeAlsoConsultsTheBuiltInProtectedList() throws {
        let lists = try #require(WalkPlan(try rules(), access: .write).lists)
        #expect(lists.map(\.allows) == [false, false, false, true])
        #expect(!lists[1].globs.isEmpty)  // the built-in protected globs
    }

    @Test func noRulesAReadOnlyWriteOrAnExecutionDeniesEverything() throws {
        #expect(WalkPlan(nil, access: .read).lists == nil)
        #expect(WalkPlan(try rules(readOnly: true), access: .write).lists == nil)
        #expect(WalkPlan(try rules(), access: .execute(command: "ls")).lists == nil)
    }
}
