import Testing

@testable import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

struct RuntimeFilesTests {
    private static let maps = """
        55d0c0a00000-55d0c0b00000 r-xp 00000000 fd:00 101 /opt/bastion/bin/bastion
        7f0000000000-7f0000100000 r-xp 00000000 fd:00 102 /usr/lib/x86_64-linux-gnu/libc.so.6
        7f0000100000-7f0000200000 r--p 00100000 fd:00 102 /usr/lib/x86_64-linux-gnu/libc.so.6
        7f0000200000-7f0000300000 r-xp 00000000 fd:00 103 /opt/swift/usr/lib/swift/linux/libswiftCore.so
        7f0000300000-7f0000400000 r-xp 00000000 fd:00 104 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
        7f0000400000-7f0000500000 rw-s 00000000 00:01 105 /memfd:buffer (deleted)
        7f0000500000-7f0000600000 r--p 00000000 fd:00 106 /usr/share/locale/sour.solo
        7f0000600000-7f0000700000 r-xp 00000000 fd:00 107 /home/ana/my libs/libodd.so (deleted)
        7f0000700000-7f0000800000 r-xp 00000000 fd:00 108 /home/ana/my libs/libspace.so.1
        7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]
        7ffc00100000-7ffc00102000 r-xp 00000000 00:00 0 [vdso]

        """

    private static let parsed = RuntimeFiles(executable: "/opt/bastion/bin/bastion", maps: Array(maps.utf8))

    @Test("Every mapped shared library is listed once, by its whole path; other mappings are not")
    func libraries() {
        #expect(
            Self.parsed.libraries == [
                "/usr/lib/x86_64-linux-gnu/libc.so.6", "/opt/swift/usr/lib/swift/linux/libswiftCore.so",
                "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/home/ana/my libs/libspace.so.1",
            ]
        )
        #expect(
            Self.parsed.libraryDirectories == [
                "/usr/lib/x86_64-linux-gnu", "/opt/swift/usr/lib/swift/linux", "/home/ana/my libs",
            ]
        )
    }

    @Test("The binary, its directory, every library directory and the loader's configuration are unwritable")
    func unwritable() {
        let paths = Self.parsed.unwritable
        #expect(paths.first == "/opt/bastion/bin/bastion")
        // Review 9, finding 1: the loader searches the binary's own directory (`$ORIGIN`) first.
        #expect(paths.contains("/opt/bastion/bin"))
        // Review 9, finding 2: whole directories, since the loader opens SONAME links there.
        for directory in [
            "/usr/lib/x86_64-linux-gnu", "/opt/swift/usr/lib/swift/linux", "/home/ana/my libs", "/usr/lib",
        ] {
            #expect(paths.contains(directory), "\(directory)")
        }
        #expect(paths.contains("/etc/ld.so.preload") && paths.contains("/etc/ld.so.conf.d"))
        #expect(!paths.contains("/"))
        #expect(Set(paths).count == paths.count)
    }

    /// Review 9, finding 6: the next start runs the name the operator uses, often a link.
    @Test("The names the binary was started by, and their directories, are unwritable")
    func launchPathsAreUnwritable() throws {
        let scratch = "/tmp/bastion-launch-\(getpid())"
        mkdir(scratch, 0o700)
        mkdir(scratch + "/bin", 0o700)
        mkdir(scratch + "/real", 0o700)
        defer {
            unlink(scratch + "/bin/bastion")
            unlink(scratch + "/bin/alias")
            rmdir(scratch + "/bin")
            rmdir(scratch + "/real")
            rmdir(scratch)
        }
        symlink("../real/bastion", scratch + "/bin/bastion")
        symlink(scratch + "/bin/bastion", scratch + "/bin/alias")
        let chain = RuntimeFiles.linkChain(from: scratch + "/bin/alias")
        #expect(chain == [scratch + "/bin/alias", scratch + "/bin/bastion", scratch + "/bin/../real/bastion"])
        var files = RuntimeFiles(executable: scratch + "/real/bastion", maps: [])
        files.launchPaths = chain
        let paths = files.unwritable
        for path in [scratch + "/bin/alias", scratch + "/bin/bastion", scratch + "/bin", scratch + "/real"] {
            #expect(paths.contains(path), "\(path)")
        }
        #expect(RuntimeFiles.resolveInvocation("sh", path: "relative:/nonexistent:/usr/bin:/bin") == "/usr/bin/sh")
        #expect(RuntimeFiles.resolveInvocation("/opt/x/bastion", path: "") == "/opt/x/bastion")
        #expect(RuntimeFiles.resolveInvocation("no-such-program-here", path: "/usr/bin") == nil)
    }

    /// Review 10, findings 3 and 6: what the next start searches first, and the links on the way.
    @Test("PATH entries ahead of the binary, LD_LIBRARY_PATH entries and links on the way are unwritable")
    func searchedDirectoriesAndLinks() throws {
        #expect(
            RuntimeFiles.directories(
                of: "/home/a/.local/bin:relative:/usr/local/bin:/usr/bin",
                before: "/usr/local/bin/bastion"
            )
                == ["/home/a/.local/bin"]
        )
        #expect(RuntimeFiles.directories(of: "/usr/bin", before: "/usr/bin/bastion").isEmpty)
        let scratch = "/tmp/bastion-links-\(getpid())"
        mkdir(scratch, 0o700)
        mkdir(scratch + "/v1", 0o700)
        defer {
            unlink(scratch + "/current")
            rmdir(scratch + "/v1")
            rmdir(scratch)
        }
        symlink("v1", scratch + "/current")
        #expect(RuntimeFiles.linksOnTheWay(to: scratch + "/current/lib/libx.so") == [scratch + "/current"])
        var files = RuntimeFiles(executable: "/usr/bin/true", maps: [])
        files.searchedDirectories = [scratch + "/current/lib", "/home/a/.local/bin"]
        let paths = files.unwritable
        #expect(paths.contains(scratch + "/current/lib") && paths.contains(scratch + "/current"))
        #expect(paths.contains("/home/a/.local/bin"))
    }

    @Test("The directories the loader's configuration names are read from its files")
    func configuredDirectories() throws {
        let scratch = "/tmp/bastion-runtime-files-\(getpid())"
        mkdir(scratch, 0o700)
        defer {
            unlink(scratch + "/a.conf")
            unlink(scratch + "/b.txt")
            rmdir(scratch)
        }
        let files = [
            ("a.conf", "# comment\n/usr/local/lib/x86_64-linux-gnu\n  /opt/lib  \ninclude x\n"),
            ("b.txt", "/ignored\n"),
        ]
        for (name, text) in files {
            let descriptor = open(scratch + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            _ = text.withCString { write(descriptor, $0, strlen($0)) }
            close(descriptor)
        }
        #expect(
            RuntimeFiles.configuredLibraryDirectories(in: scratch) == ["/usr/local/lib/x86_64-linux-gnu", "/opt/lib"]
        )
    }

    @Test("This process's own list names its binary and the C library it runs on")
    func current() throws {
        let files = RuntimeFiles.current
        let executable = try #require(files.executable)
        #expect(executable.hasPrefix("/") && !executable.hasPrefix("/proc/"))
        #expect(files.libraries.contains { $0.hasSuffix("/libc.so.6") })
        #expect(files.libraryDirectories.allSatisfy { $0.hasPrefix("/") && !$0.hasSuffix("/") })
        #expect(Set(files.libraryDirectories).count == files.libraryDirectories.count)
    }
}
