import Testing

@testable import BastionResources

struct SandboxLaunchTests {
    private let policy = SandboxPolicy(
        executable: "/usr/bin/env",
        arguments: ["env"],
        environment: ["PATH=/usr/bin:/bin", "NOTE=two\nlines"],
        workingDirectory: "/w/sub",
        limits: SandboxPolicy.Limits(cpuSeconds: 30, addressSpaceBytes: 512 << 20),
        readPaths: ["/usr", "/etc", "/w"],
        writePaths: ["/w"],
        restrictsNetwork: true,
        user: SandboxPolicy.UserIdentity(uid: 65534, gid: 65534),
        cgroups: ["/sys/fs/cgroup/pids/bastion-1/client-a/1"],
        minimalRoot: true
    )

    @Test func thePreparedPartHasNoLaunchAndAwaitsOne() {
        let prepared = policy.preparedPart
        #expect(prepared.awaitsLaunch)
        #expect(prepared.executable.isEmpty && prepared.arguments.isEmpty && prepared.environment.isEmpty)
        #expect(prepared.workingDirectory == "/")
        #expect(
            prepared.readPaths == policy.readPaths && prepared.user == policy.user && prepared.limits == policy.limits
        )
        #expect(prepared.launched(policy.launch) == policy)
    }

    @Test func runsDifferingOnlyInTheirLaunchShareAPreparedPart() {
        var other = policy
        other.executable = "/usr/bin/true"
        other.arguments = ["true", "x"]
        other.environment = []
        other.workingDirectory = "/w"
        #expect(other.preparedPart == policy.preparedPart)
        var sudo = policy
        sudo.user = nil
        #expect(sudo.preparedPart != policy.preparedPart)
        var wider = policy
        wider.readPaths.append("/opt/tool/bin/tool")
        #expect(wider.preparedPart != policy.preparedPart)
    }

    @Test func aPreparedPolicyCarriesNoLaunchOnTheWire() throws {
        let bytes = policy.preparedPart.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("executable") && !text.contains("arguments") && !text.contains("/w/sub"), "\(text)")
        let decoded = try SandboxPolicy(decoding: bytes)
        #expect(decoded == policy.preparedPart)
    }

    @Test func aLaunchSurvivesItsWireFormat() throws {
        #expect(try SandboxLaunch(decoding: policy.launch.encoded()) == policy.launch)
    }

    @Test func noDocumentHoldsALineFeed() {
        // A line feed ends a prepared policy: one in a value must stay escaped.
        #expect(!policy.encoded().contains(UInt8(ascii: "\n")))
        #expect(!policy.preparedPart.encoded().contains(UInt8(ascii: "\n")))
        #expect(!policy.launch.encoded().contains(UInt8(ascii: "\n")))
    }

    @Test(arguments: [
        (#"{"arguments":[],"environment":[],"executable":"/bin/true","workingDirectory":"/"}"#, "arguments"),
        (#"{"arguments":["x"],"environment":["=x"],"executable":"/bin/true","workingDirectory":"/"}"#, "environment"),
        (#"{"arguments":["x"],"environment":[],"executable":"true","workingDirectory":"/"}"#, "executable"),
        (#"{"arguments":["x"],"environment":[],"executable":"/bin/true"}"#, "workingDirectory"),
        ("", "JSON"),
    ])
    func aBadLaunchIsRefusedNamingWhy(document: String, named: String) {
        let error = #expect(throws: SandboxError.self) { try SandboxLaunch(decoding: Array(document.utf8)) }
        #expect(error?.message.contains(named) == true, "\(error?.message ?? "")")
    }

    @Test func anOversizedLaunchIsRefusedBeforeParsing() {
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: SandboxPolicy.maximumEncodedBytes + 1)
        let error = #expect(throws: SandboxError.self) { try SandboxLaunch(decoding: bytes) }
        #expect(error?.message.contains("larger") == true)
    }
}
