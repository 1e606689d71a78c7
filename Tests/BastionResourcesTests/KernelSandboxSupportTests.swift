import Testing

@testable import BastionResources

struct KernelSandboxSupportTests {
    private let everything = KernelSandboxSupport(
        landlockABI: 7,
        seccomp: true,
        unprivilegedUserNamespaces: true,
        networkNamespace: true,
        cgroup: .init(version: 1, isWritable: true),
        isRoot: true
    )
    private let nothing = KernelSandboxSupport(
        landlockABI: nil,
        seccomp: false,
        unprivilegedUserNamespaces: false,
        networkNamespace: false,
        cgroup: .init(version: 2, isWritable: false),
        isRoot: false
    )

    @Test func availableListsOnlyWhatIsPresent() {
        #expect(everything.available == Set(SandboxFeature.allCases))
        #expect(nothing.available.isEmpty)
    }

    @Test func missingNamesTheRequirementsTheKernelCannotMeet() {
        #expect(everything.missing([.landlock, .seccomp]).isEmpty)
        #expect(nothing.missing([.seccomp, .landlock, .seccomp]) == [.landlock, .seccomp])
        var partial = everything
        partial.cgroup.isWritable = false
        #expect(partial.missing(SandboxFeature.allCases) == [.cgroup])
    }

    @Test func theSummarySaysWhatIsThereAndWhatIsNot() {
        #expect(
            everything.summary
                == "Landlock ABI 7 (files, TCP, signal and abstract-socket scopes), seccomp, network namespace, "
                + "cgroup v1, unprivileged user namespaces; running as root"
        )
        #expect(
            nothing.summary
                == "no kernel sandboxing; missing: Landlock, seccomp, network namespace, "
                + "writable cgroup (v2 is read-only), unprivileged user namespaces"
        )
        var old = everything
        old.landlockABI = 3
        #expect(old.summary.hasPrefix("Landlock ABI 3 (files), "))
    }
}
