import Testing

@testable import BastionProtocol

struct ProtocolVersionTests {
    @Test func supportsTheFivePublishedRevisionsOldestFirst() {
        #expect(
            ProtocolVersion.allCases.map(\.rawValue) == [
                "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28",
            ]
        )
        #expect(ProtocolVersion.handshakeVersions == [.v2024_11_05, .v2025_03_26, .v2025_06_18, .v2025_11_25])
        #expect(ProtocolVersion.modernVersions == [.v2026_07_28])
    }

    @Test func latestIsTheNewestHandshakeRevision() {
        #expect(ProtocolVersion.latest == .v2025_11_25)
        #expect(ProtocolVersion.handshakeVersions.max() == .latest)
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func negotiationEchoesASupportedVersion(version: ProtocolVersion) {
        #expect(ProtocolVersion.negotiate(requested: version.rawValue) == version)
    }

    /// `initialize` never lands on the stateless revision: it has no handshake.
    @Test(arguments: [
        "2099-01-01", "2024-10-07", "", "2025-06-18 ", "latest", "2025-6-18", "2025-11-25\n", "2026-07-28",
    ])
    func negotiationAnswersLatestForAnUnknownVersion(requested: String) {
        #expect(ProtocolVersion.negotiate(requested: requested) == .latest)
    }

    @Test func orderingFollowsTheReleaseDates() {
        #expect(ProtocolVersion.allCases.sorted() == ProtocolVersion.allCases)
        #expect(ProtocolVersion.v2024_11_05 < .v2025_03_26)
        #expect(ProtocolVersion.v2025_06_18 < .v2025_11_25)
        #expect(!(ProtocolVersion.v2025_11_25 < .v2025_06_18))
        #expect(!(ProtocolVersion.v2025_03_26 < .v2025_03_26))
    }

    struct Features: Sendable, CustomStringConvertible {
        var version: ProtocolVersion
        var batches: Bool
        var toolAnnotations: Bool
        var completions: Bool
        var structuredContent: Bool
        var elicitation: Bool
        var argumentErrorsAsToolResults: Bool
        var progressMessage: Bool

        var description: String { version.rawValue }
    }

    @Test(arguments: [
        Features(
            version: .v2024_11_05,
            batches: false,
            toolAnnotations: false,
            completions: false,
            structuredContent: false,
            elicitation: false,
            argumentErrorsAsToolResults: false,
            progressMessage: false
        ),
        Features(
            version: .v2025_03_26,
            batches: true,
            toolAnnotations: true,
            completions: true,
            structuredContent: false,
            elicitation: false,
            argumentErrorsAsToolResults: false,
            progressMessage: true
        ),
        Features(
            version: .v2025_06_18,
            batches: false,
            toolAnnotations: true,
            completions: true,
            structuredContent: true,
            elicitation: true,
            argumentErrorsAsToolResults: false,
            progressMessage: true
        ),
        Features(
            version: .v2025_11_25,
            batches: false,
            toolAnnotations: true,
            completions: true,
            structuredContent: true,
            elicitation: true,
            argumentErrorsAsToolResults: true,
            progressMessage: true
        ),
        Features(
            version: .v2026_07_28,
            batches: false,
            toolAnnotations: true,
            completions: true,
            structuredContent: true,
            elicitation: true,
            argumentErrorsAsToolResults: true,
            progressMessage: true
        ),
    ])
    func featureFlagsFollowTheSpecification(expected: Features) {
        let version = expected.version
        #expect(version.allowsBatches == expected.batches)
        #expect(version.hasToolAnnotations == expected.toolAnnotations)
        #expect(version.hasCompletionsCapability == expected.completions)
        #expect(version.hasStructuredContent == expected.structuredContent)
        #expect(version.hasElicitation == expected.elicitation)
        #expect(version.reportsArgumentErrorsAsToolResults == expected.argumentErrorsAsToolResults)
        #expect(version.hasProgressMessage == expected.progressMessage)
    }

    @Test func everyVersionHasAFeatureRow() {
        // Guards the table above: a new case must get its own row.
        #expect(ProtocolVersion.allCases.count == 5)
    }

    /// 2026-07-28 moved them to an extension.
    @Test func coreTasksExistIn2025_11_25Only() {
        #expect(ProtocolVersion.allCases.filter(\.hasTasks) == [.v2025_11_25])
    }

    @Test func onlyTheStatelessRevisionIsModern() {
        #expect(ProtocolVersion.allCases.filter(\.isModern) == [.v2026_07_28])
    }
}
