import Testing

@testable import BastionSecurity

struct GlobPatternTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var pattern: String
        var path: String
        var matches: Bool
        var testDescription: String { "\(pattern) \(matches ? "~" : "!~") \(path)" }
    }

    @Test(arguments: [
        Case(pattern: "/work/**", path: "/work", matches: true),
        Case(pattern: "/work/**", path: "/work/a", matches: true),
        Case(pattern: "/work/**", path: "/work/a/b/c", matches: true),
        Case(pattern: "/work/**", path: "/work-evil", matches: false),
        Case(pattern: "/work/**", path: "/work-evil/a", matches: false),
        Case(pattern: "/work/**", path: "/workx", matches: false),
        Case(pattern: "/work/**", path: "/", matches: false),
        Case(pattern: "/work/*", path: "/work/a", matches: true),
        Case(pattern: "/work/*", path: "/work/a/b", matches: false),
        Case(pattern: "/work/*", path: "/work", matches: false),
        Case(pattern: "/work/*.txt", path: "/work/notes.txt", matches: true),
        Case(pattern: "/work/*.txt", path: "/work/notes.txt.bak", matches: false),
        Case(pattern: "/work/*.txt", path: "/work/.txt", matches: true),
        Case(pattern: "/work/?.md", path: "/work/a.md", matches: true),
        Case(pattern: "/work/?.md", path: "/work/ab.md", matches: false),
        Case(pattern: "/work/?.md", path: "/work/é.md", matches: true),
        Case(pattern: "/work/??", path: "/work/é", matches: false),
        Case(pattern: "**/.ssh/**", path: "/home/ana/.ssh/id_ed25519", matches: true),
        Case(pattern: "**/.ssh/**", path: "/home/ana/.ssh", matches: true),
        Case(pattern: "**/.ssh/**", path: "/.ssh", matches: true),
        Case(pattern: "**/.ssh/**", path: "/home/ana/.sshx/key", matches: false),
        Case(pattern: "**/.ssh/**", path: "/home/ana/x.ssh/key", matches: false),
        Case(pattern: "**/.env", path: "/srv/app/.env", matches: true),
        Case(pattern: "**/.env", path: "/srv/app/.env.example", matches: false),
        Case(pattern: "/a/**/b", path: "/a/b", matches: true),
        Case(pattern: "/a/**/b", path: "/a/x/y/b", matches: true),
        Case(pattern: "/a/**/b", path: "/a/x/y/bc", matches: false),
        Case(pattern: "/a/**/b/**/c", path: "/a/b/b/x/c", matches: true),
        Case(pattern: "/**", path: "/", matches: true),
        Case(pattern: "/**", path: "/etc/passwd", matches: true),
        Case(pattern: "/", path: "/", matches: true),
        Case(pattern: "/", path: "/a", matches: false),
        Case(pattern: "/work//a/", path: "/work/a", matches: true),
        Case(pattern: "/work/./x/../a", path: "/work/a", matches: true),
        Case(pattern: "/work/\\*", path: "/work/*", matches: true),
        Case(pattern: "/work/\\*", path: "/work/a", matches: false),
        Case(pattern: "/work/a\\?b", path: "/work/a?b", matches: true),
        Case(pattern: "/work/a\\?b", path: "/work/axb", matches: false),
        Case(pattern: "/work/[ab]", path: "/work/[ab]", matches: true),
        Case(pattern: "/work/[ab]", path: "/work/a", matches: false),
        Case(pattern: "/work/\\\\", path: "/work/\\", matches: true),
        Case(pattern: "/work/**", path: "work/a", matches: false),
    ])
    func matchesCanonicalPaths(_ c: Case) throws {
        #expect(try GlobPattern(c.pattern).matches(c.path) == c.matches)
    }

    @Test(arguments: ["", "/a/b**", "/a/**b/c", "**x", "/a/***", "/a/b\\", "/a/\0/b"])
    func refusesBadPatterns(_ pattern: String) {
        let error = #expect(throws: PermissionParseError.self) { try GlobPattern(pattern) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("invalid glob") == true)
    }

    @Test func relativePatternsAreJoinedToTheBase() throws {
        let glob = try GlobPattern("docs/**", relativeTo: "/home/ana/work")
        #expect(glob.matches("/home/ana/work/docs/a.md"))
        #expect(!glob.matches("/docs/a.md"))
        #expect(try GlobPattern("../shared/*", relativeTo: "/w/ana").matches("/w/shared/x"))
        #expect(try GlobPattern("/abs/*", relativeTo: "/w/ana").matches("/abs/x"))
    }

    @Test func theBaseIsTakenLiterally() throws {
        let glob = try GlobPattern("*.md", relativeTo: "/w/[x]*")
        #expect(glob.matches("/w/[x]*/a.md"))
        #expect(!glob.matches("/w/xyz/a.md"))
    }

    @Test func relativeToNeedsAnAbsoluteBase() {
        #expect(throws: PermissionParseError.self) { try GlobPattern("a/*", relativeTo: "relative") }
    }

    @Test func dotDotAfterAWildcardIsRefused() {
        #expect(throws: PermissionParseError.self) { try GlobPattern("/a/*/../b") }
    }

    @Test func escapedLiteralsCompileToExactMatches() throws {
        let name = "/srv/we*ird?[dir]{x}\\"
        let glob = try GlobPattern(GlobPattern.escaped(name) + "/**")
        #expect(glob.matches(name + "/file"))
        #expect(!glob.matches("/srv/weXirdY[dir]{x}\\/file"))
    }

    @Test func escapingIsByteWiseSoACombiningMarkCannotHideAStar() throws {
        // "*\u{301}" is one Character, which is not "*"; the compiler sees the "*" byte.
        let workdir = "/srv/area/w*\u{301}"
        let scope = try GlobPattern(GlobPattern.escaped(workdir) + "/**")
        #expect(scope.matches(workdir + "/mine.txt"))
        #expect(!scope.matches("/srv/area/wz\u{301}/secret.txt"))
        #expect(GlobPattern.escaped("a?\u{301}[\u{301}") == "a\\?\u{301}\\[\u{301}")
        #expect(GlobPattern.escaped("caf\u{E9}") == "caf\u{E9}")
    }

    /// Found by `scripts/fuzz paths` (fuzz/corpus/paths/combining-mark): escaping by Character saw
    /// `*` + U+0301 as one character that is not `*`, so the `*` stayed a wildcard.
    @Test func escapedMetacharacterBeforeACombiningMarkStaysLiteral() throws {
        let name = "/srv/w*\u{301}"
        let glob = try GlobPattern(GlobPattern.escaped(name) + "/**")
        #expect(GlobPattern.escaped(name) == "/srv/w\\*\u{301}")
        #expect(glob.matches(name + "/file"))
        #expect(!glob.matches("/srv/wz\u{301}/file"))
    }

    @Test(.timeLimit(.minutes(1)))
    func pathologicalPatternsFinishQuickly() throws {
        let star = try GlobPattern("/" + String(repeating: "*a", count: 40) + "*b")
        let text = "/" + String(repeating: "a", count: 4000)
        let deep = try GlobPattern("/" + Array(repeating: "**/a", count: 30).joined(separator: "/") + "/b")
        let path = "/" + Array(repeating: "a", count: 500).joined(separator: "/")
        let clock = ContinuousClock()
        var results: [Bool] = []
        let elapsed = clock.measure {
            results = [star.matches(text), deep.matches(path)]
        }
        #expect(results == [false, false])
        #expect(elapsed < .seconds(2))
    }

    @Test func patternsCompareByTheirCompiledForm() throws {
        #expect(try GlobPattern("/a/*") == GlobPattern("/a/*"))
        #expect(try GlobPattern("/a/*") != GlobPattern("/a/?"))
        #expect(try GlobPattern("/a/*").description == "/a/*")
    }

    @Test(arguments: [
        ("/home/ana/projects/**", "/home/ana/projects"), ("/home/ana/*.md", "/home/ana"), ("/srv/a.txt", "/srv"),
        ("/**", "/"), ("**/.ssh/**", "/"), ("/a", "/"),
    ])
    func theLiteralDirectoryHoldsEveryMatch(pattern: String, directory: String) throws {
        #expect(try GlobPattern(pattern).literalDirectory == directory)
    }

    @Test(
        arguments: [
            ("/srv/secret/**", "/srv/secret"), ("/home/bob/work/**", "/home/bob/work"), ("/**", nil),
            ("**/.env", nil), ("/srv/*/x/**", nil), ("/srv/secret", nil), ("/srv/**/x", nil), ("/srv/*.key", nil),
        ] as [(String, String?)]
    )
    func aSubtreeRootIsALiteralDirectoryWithEverythingBelow(pattern: String, root: String?) throws {
        #expect(try GlobPattern(pattern).subtreeRoot == root)
    }
}
