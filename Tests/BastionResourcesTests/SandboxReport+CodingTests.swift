import BastionProtocol
import Testing

@testable import BastionResources

struct SandboxReportCodingTests {
    private let full = SandboxReport(
        landlockABI: 7,
        landlockRestrictsTCP: true,
        landlockScopesSignals: true,
        seccomp: true,
        network: [.namespace, .landlockTCP, .seccompSocket],
        userNamespace: true,
        user: SandboxPolicy.UserIdentity(uid: 65534, gid: 65534, groups: [65534]),
        limits: ["cpu", "nproc"],
        cgroups: ["/sys/fs/cgroup/memory/b/1", "/sys/fs/cgroup/pids/b/1"],
        hiddenPaths: ["/run/bastion"],
        omittedPaths: [SandboxReport.OmittedPath(path: "/lib64", reason: "no such file")],
        minimalRoot: true,
        privateProc: true
    )

    @Test func aReportSurvivesItsWireFormat() throws {
        #expect(try SandboxReport(decoding: full.encoded()) == full)
        #expect(try SandboxReport(decoding: SandboxReport().encoded()) == SandboxReport())
    }

    @Test func theWireFormatNamesTheFeaturesAndNullForNoLandlock() throws {
        let text = String(decoding: SandboxReport(seccomp: true).encoded(), as: UTF8.self)
        #expect(text.contains(#""landlock":null"#), "\(text)")
        #expect(text.contains(#""features":["seccomp"]"#), "\(text)")
        let fullText = String(decoding: full.encoded(), as: UTF8.self)
        #expect(fullText.contains(#""features":["landlock","seccomp","userns","netns","cgroup"]"#), "\(fullText)")
    }

    @Test(arguments: ["[]", "{}", #"{"seccomp":"yes"}"#, "nope"])
    func aDocumentThatIsNotAReportIsRefused(document: String) {
        #expect(throws: SandboxError.self) { try SandboxReport(decoding: Array(document.utf8)) }
    }

    @Test func unknownMembersAndRestrictionsAreIgnored() throws {
        let report = try SandboxReport(decoding: Array(#"{"seccomp":false,"network":["carrier-pigeon"],"x":1}"#.utf8))
        #expect(report == SandboxReport())
    }
}
