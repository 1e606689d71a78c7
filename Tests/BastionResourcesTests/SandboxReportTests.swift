import Testing

@testable import BastionResources

struct SandboxReportTests {
    @Test func anEmptyReportClaimsNothing() {
        #expect(SandboxReport().features.isEmpty)
    }

    @Test func theFeaturesFollowWhatWasApplied() {
        var report = SandboxReport(landlockABI: 7, seccomp: true)
        #expect(report.features == [.landlock, .seccomp])
        report.network = [.landlockTCP, .seccompSocket]
        #expect(!report.features.contains(.netns))
        report.network.append(.namespace)
        report.cgroups = ["/sys/fs/cgroup/pids/bastion/run-1"]
        #expect(report.features == [.landlock, .seccomp, .netns, .cgroup])
        report.landlockABI = nil
        report.seccomp = false
        report.userNamespace = true
        #expect(report.features == [.userns, .netns, .cgroup])
    }
}
