import Testing

#if canImport(Glibc)
import Glibc
#endif

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

    /// What a minimal root recreates: the merged-`/usr` links (the ELF loader's `/lib64`, `#!/bin/sh`)
    /// and `/dev/fd`; never a link of a secret `/etc` entry.
    @Test func theSystemLinksAreTheLinksAmongTheSystemPaths() {
        let links = ExecutableResolver.systemLinks
        #expect(links["/dev/fd"] == "/proc/self/fd")
        for path in ["/bin", "/lib64", "/etc/localtime"] {
            var info = stat()
            let isLink = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
            #expect((links[path] != nil) == isLink, "\(path)")
        }
        #expect(links["/etc/ssh"] == nil && links["/etc/ssl"] == nil)
    }
}
