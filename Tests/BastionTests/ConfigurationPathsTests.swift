import Foundation
import Testing

@testable import Bastion

struct ConfigurationPathsTests {
    private let paths = ConfigurationPaths(
        environment: ["HOME": "/home/ada", "XDG_STATE_HOME": "/state/"],
        baseDirectory: "/etc/bastion"
    )

    @Test(
        "normalize removes empty and dot segments and applies .. lexically",
        arguments: [
            ("/a//b/./c/", "/a/b/c"), ("/a/../../b", "/b"), ("/", "/"), ("//", "/"), ("/a/b/..", "/a"),
            ("/a/.../b", "/a/.../b"),
            // Bytes: a combining mark after "/" does not hide the separator (one Character "/\u{301}").
            ("/a/b/\u{301}c/../d", "/a/b/d"),
        ]
    )
    func normalize(path: String, expected: String) {
        #expect(ConfigurationPaths.normalize(path) == expected)
    }

    @Test(
        "resolve expands home prefixes and anchors relative paths at the base directory",
        arguments: [
            ("~", "/home/ada"), ("~/x", "/home/ada/x"), ("$HOME/x", "/home/ada/x"), ("$XDG_STATE_HOME", "/state"),
            ("$HOMEX/y", "/etc/bastion/$HOMEX/y"), ("~x", "/etc/bastion/~x"), ("rel/../f", "/etc/bastion/f"),
            ("/abs", "/abs"),
        ]
    )
    func resolve(path: String, expected: String) {
        #expect(paths.resolve(path) == expected)
    }

    @Test("expandingTilde touches only a leading ~ and never normalizes the glob")
    func expandingTilde() {
        #expect(paths.expandingTilde("~/a/../**/") == "/home/ada/a/../**/")
        #expect(paths.expandingTilde("~") == "/home/ada")
        #expect(paths.expandingTilde("~bob/x") == "~bob/x")
        #expect(paths.expandingTilde("$HOME/x") == "$HOME/x")
        let rootHome = ConfigurationPaths(environment: ["HOME": "/"], baseDirectory: "/")
        #expect(rootHome.expandingTilde("~/x") == "/x")
        #expect(paths.expandingTilde("~/\u{301}x") == "/home/ada/\u{301}x")
    }

    @Test("The defaults live under the state directory")
    func defaults() {
        #expect(paths.stateHome == "/state")
        #expect(paths.defaultAuditLog == "/state/bastion/audit.jsonl")
        #expect(paths.defaultWorkdir(clientID: "c") == "/state/bastion/clients/c")
    }

    @Test("A relative HOME is ignored in favour of the password database")
    func relativeHome() {
        let fallback = ConfigurationPaths(environment: ["HOME": "relative"], baseDirectory: "/")
        #expect(fallback.home.hasPrefix("/"))
        #expect(fallback.home != "relative")
    }

    @Test("A relative base directory is anchored at the current directory")
    func relativeBase() {
        let relative = ConfigurationPaths(environment: ["HOME": "/h"], baseDirectory: "conf")
        #expect(
            relative.baseDirectory == ConfigurationPaths.normalize(FileManager.default.currentDirectoryPath + "/conf")
        )
    }

    @Test("canonical resolves symlinks of existing paths and normalizes the others")
    func canonical() throws {
        #expect(ConfigurationPaths.canonical("/nonexistent/./a/../b") == "/nonexistent/b")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bastion-paths-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/")
        #expect(ConfigurationPaths.canonical(link) == "/")
    }
}
