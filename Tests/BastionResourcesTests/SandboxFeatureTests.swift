import Testing

@testable import BastionResources

struct SandboxFeatureTests {
    @Test func theRawValuesAreTheConfigurationSpellings() {
        #expect(SandboxFeature.allCases.map(\.rawValue) == ["landlock", "seccomp", "userns", "netns", "cgroup"])
        #expect(SandboxFeature.spellings == "landlock, seccomp, userns, netns, cgroup")
        #expect(SandboxFeature(rawValue: "Landlock") == nil)
    }

    @Test func featuresSortInDeclarationOrder() {
        #expect(
            [SandboxFeature.cgroup, .landlock, .netns, .seccomp].sorted() == [.landlock, .seccomp, .netns, .cgroup]
        )
    }
}
