import BastionProtocol
import Foundation
import Testing

@testable import BastionResources

struct SandboxPolicyTests {
    private let policy = SandboxPolicy(
        executable: "/usr/bin/python3",
        arguments: ["python3", "-c", "print(1)"],
        environment: ["PATH=/usr/bin:/bin", "HOME=/w"],
        workingDirectory: "/w",
        limits: SandboxPolicy.Limits(cpuSeconds: 30, addressSpaceBytes: 512 << 20, openFiles: 256, processes: 64),
        readPaths: ["/usr", "/etc"],
        writePaths: ["/w"],
        restrictsNetwork: true,
        user: SandboxPolicy.UserIdentity(uid: 65534, gid: 65534, groups: [65534]),
        required: ["landlock", "seccomp"]
    )

    @Test func aPolicySurvivesItsWireFormat() throws {
        #expect(try SandboxPolicy(decoding: policy.encoded()) == policy)
        var plain = policy
        plain.user = nil
        plain.limits = SandboxPolicy.Limits()
        #expect(try SandboxPolicy(decoding: plain.encoded()) == plain)
    }

    @Test func hiddenPathsAndCgroupsAreOptionalOnTheWire() throws {
        var extended = policy
        extended.hiddenPaths = ["/run/bastion", "/var/log/bastion/audit.jsonl"]
        extended.cgroups = ["/sys/fs/cgroup/memory/bastion/run-1", "/sys/fs/cgroup/pids/bastion/run-1"]
        #expect(try SandboxPolicy(decoding: extended.encoded()) == extended)
        let text = String(decoding: policy.encoded(), as: UTF8.self)
        #expect(!text.contains("hiddenPaths") && !text.contains("cgroups"), "absent when empty: \(text)")
        #expect(try SandboxPolicy(decoding: policy.encoded()).hiddenPaths.isEmpty)
    }

    @Test func theMinimalRootAndItsLinksAreOptionalOnTheWire() throws {
        var rooted = policy
        rooted.minimalRoot = true
        rooted.rootLinks = ["/bin": "usr/bin", "/dev/fd": "/proc/self/fd"]
        #expect(try SandboxPolicy(decoding: rooted.encoded()) == rooted)
        let text = String(decoding: policy.encoded(), as: UTF8.self)
        #expect(!text.contains("minimalRoot") && !text.contains("rootLinks"), "absent when off: \(text)")
        #expect(try SandboxPolicy(decoding: policy.encoded()).minimalRoot == false)
    }

    @Test(arguments: [#""rootLinks":{"bin":"usr/bin"}"#, #""rootLinks":{"/bin":""}"#, #""rootLinks":["/bin"]"#,
        #""rootLinks":{"/a/../b":"x"}"#, #""minimalRoot":"yes""#])
    func aBadRootLinkIsRefused(member: String) {
        var text = String(decoding: policy.encoded(), as: UTF8.self)
        text.removeLast()
        text += "," + member + "}"
        #expect(throws: SandboxError.self) { try SandboxPolicy(decoding: Array(text.utf8)) }
    }

    @Test(arguments: [#""hiddenPaths":["run"]"#, #""cgroups":"/sys"#, #""hiddenPaths":[1]"#])
    func aBadHiddenPathOrCgroupIsRefused(member: String) {
        var text = String(decoding: policy.encoded(), as: UTF8.self)
        text.removeLast()
        text += "," + member + "}"
        #expect(throws: SandboxError.self) { try SandboxPolicy(decoding: Array(text.utf8)) }
    }

    @Test(arguments: [
        (#"{"executable":"python3"}"#, "executable"),
        ("[]", "executable"),
        ("not json", "not valid JSON"),
    ])
    func aBadDocumentIsRefusedNamingWhatIsWrong(document: String, named: String) {
        #expect(throws: SandboxError.self) { try SandboxPolicy(decoding: Array(document.utf8)) }
        do {
            _ = try SandboxPolicy(decoding: Array(document.utf8))
        } catch {
            #expect(error.message.contains(named), "\(error.message)")
        }
    }

    @Test func stringsWithNULRelativePathsAndBadVariablesAreRefused() throws {
        for change in [
            { (p: inout SandboxPolicy) in p.arguments.append("a\u{0}b") },
            { (p: inout SandboxPolicy) in p.workingDirectory = "w" },
            { (p: inout SandboxPolicy) in p.writePaths = ["relative"] },
            { (p: inout SandboxPolicy) in p.environment = ["=x"] },
            { (p: inout SandboxPolicy) in p.environment = ["NOVALUE"] },
            { (p: inout SandboxPolicy) in p.arguments = [] },
        ] {
            var bad = policy
            change(&bad)
            #expect(throws: SandboxError.self) { try SandboxPolicy(decoding: bad.encoded()) }
        }
    }

    @Test func negativeLimitsAndAnOversizedDocumentAreRefused() {
        var document = JSONWriter.string(try! JSONParser.parse(policy.encoded()))
        document = document.replacingOccurrences(of: "\"cpuSeconds\":30", with: "\"cpuSeconds\":-1")
        #expect(throws: SandboxError.self) { try SandboxPolicy(decoding: Array(document.utf8)) }
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: SandboxPolicy.maximumEncodedBytes + 1)
        #expect(throws: SandboxError.self) { try SandboxPolicy(decoding: huge) }
    }
}
