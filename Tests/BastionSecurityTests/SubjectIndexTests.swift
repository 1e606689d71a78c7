import Testing

@testable import BastionSecurity

/// Subjects to clients (SubjectIndex.swift).
struct SubjectIndexTests {
    private static func client(_ id: String, _ subject: String?) -> ClientManager.Client {
        ClientManager.Client(
            id: id,
            rules: PermissionManager.ClientRules(permissions: [], deny: [], workdir: "/tmp/\(id)", home: "/home/ada"),
            limits: ResourceLimits(),
            certificateSubject: subject
        )
    }

    @Test func aSubjectClaimedOnceIsItsClientAndTwiceIsNobodys() {
        let index = SubjectIndex(
            [Self.client("a", "A"), Self.client("b", "B"), Self.client("c", "B"), Self.client("d", nil)]
        ) { $0.certificateSubject }
        #expect(index["A"] == "a")
        #expect(index["B"] == nil)
        #expect(index["nobody"] == nil)
    }
}
