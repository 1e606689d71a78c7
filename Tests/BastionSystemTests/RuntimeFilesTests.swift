import Testing

@testable import BastionSystem

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

    @Test("The binary, the libraries and the non-system library directories are unwritable")
    func unwritable() {
        let paths = Self.parsed.unwritable
        #expect(paths.first == "/opt/bastion/bin/bastion")
        #expect(paths.contains("/usr/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(paths.contains("/opt/swift/usr/lib/swift/linux"))
        #expect(paths.contains("/home/ana/my libs"))
        // The system's own library directory is protected file by file, not as a whole.
        #expect(!paths.contains("/usr/lib/x86_64-linux-gnu"))
    }

    @Test(
        "System library directories are recognized by whole segments",
        arguments: [
            ("/usr/lib", true), ("/usr/lib/x86_64-linux-gnu", true), ("/lib64", true), ("/usr/libexec", false),
            ("/usr/library", false), ("/opt/swift/usr/lib", false), ("/", false),
        ]
    )
    func systemDirectories(directory: String, isSystem: Bool) {
        #expect(RuntimeFiles.isSystemLibraryDirectory(directory) == isSystem)
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
