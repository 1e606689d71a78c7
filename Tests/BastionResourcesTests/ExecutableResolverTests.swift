import Testing

@testable import BastionResources

struct ExecutableResolverTests {
    @Test func bareNamesAreFoundOnTheSystemPathAndMadeCanonical() {
        #expect(ExecutableResolver.resolve("echo") == "/usr/bin/echo")
        #expect(ExecutableResolver.resolve("/bin/echo") == "/usr/bin/echo")
    }

    @Test(arguments: ["", "no-such-program-anywhere", "relative/echo", "/usr/bin", "/etc/passwd", "a\u{0}b"])
    func whatIsNotAnExecutableFileIsNotResolved(_ command: String) {
        #expect(ExecutableResolver.resolve(command) == nil)
    }

    @Test func theSystemReadPathsHoldWhatInterpretersNeedAndNoSecretOfEtc() {
        let paths = ExecutableResolver.systemReadPaths
        #expect(paths.contains("/usr"))
        #expect(paths.contains("/dev/null"))
        #expect(paths.contains("/etc/passwd"))
        #expect(!paths.contains("/etc"))
        #expect(!paths.contains("/etc/shadow"))
        #expect(!paths.contains { $0.hasPrefix("/etc/ssh") || $0.hasPrefix("/etc/sudoers") })
    }
}
