import Testing

@testable import BastionSecurity

struct GlobPatternCoverageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var grant: String
        var requirement: String
        var covers: Bool
        var testDescription: String { "\(grant) \(covers ? "covers" : "does not cover") \(requirement)" }
    }

    @Test(arguments: [
        Case(grant: "/home/ana/**", requirement: "/home/ana/**", covers: true),
        Case(grant: "/home/ana/**", requirement: "/home/ana", covers: true),
        Case(grant: "/home/ana/**", requirement: "/home/ana/src/*.swift", covers: true),
        Case(grant: "/home/ana/**", requirement: "/home/ana/**/.git/**", covers: true),
        Case(grant: "/home/ana/**", requirement: "/home/anakin/**", covers: false),
        Case(grant: "/home/ana/**", requirement: "/home/**", covers: false),
        Case(grant: "/**", requirement: "**/.ssh/**", covers: true),
        Case(grant: "/srv/*/logs/**", requirement: "/srv/web/logs/**", covers: true),
        Case(grant: "/srv/*/logs/**", requirement: "/srv/*/logs/*.log", covers: true),
        Case(grant: "/srv/*/logs/**", requirement: "/srv/**/logs/x", covers: false),
        Case(grant: "/a/*", requirement: "/a/**", covers: false),
        Case(grant: "/a/*", requirement: "/a/?", covers: true),
        Case(grant: "/a/?", requirement: "/a/*", covers: false),
        Case(grant: "/a/?", requirement: "/a/\u{E9}", covers: true),
        Case(grant: "/a/?", requirement: "/a/e\u{301}", covers: false),
        Case(grant: "/a/*.txt", requirement: "/a/*.txt", covers: true),
        Case(grant: "/a/*.txt", requirement: "/a/x*.txt", covers: true),
        Case(grant: "/a/*.txt", requirement: "/a/*", covers: false),
        Case(grant: "/a/x*", requirement: "/a/*", covers: false),
        Case(grant: "/a/?*", requirement: "/a/?", covers: true),
        Case(grant: "/a/??", requirement: "/a/?", covers: false),
        Case(grant: "/git", requirement: "/git", covers: true),
        Case(grant: "/ls", requirement: "/git", covers: false),
        Case(grant: "/g*", requirement: "/git", covers: true),
        Case(grant: "/git", requirement: "/g*", covers: false),
        // A literal segment covers only itself, bytes compared (not canonically equivalent Strings).
        Case(grant: "/caf\u{E9}/**", requirement: "/cafe\u{301}/x", covers: false),
        // An escaped star is a literal: it covers only a literal star.
        Case(grant: "/w\\*/**", requirement: "/w\\*/x", covers: true),
        Case(grant: "/w\\*/**", requirement: "/wz/x", covers: false),
        Case(grant: "/w\\*/**", requirement: "/w*/x", covers: false),
    ])
    func coverageIsAnInclusionProof(_ testCase: Case) throws {
        let grant = try GlobPattern(testCase.grant)
        let requirement = try GlobPattern(testCase.requirement)
        #expect(grant.covers(requirement) == testCase.covers)
    }

    /// Whatever `covers` proves must hold on concrete paths: every sample the requirement matches,
    /// the grant matches too.
    @Test func aProofHoldsOnConcretePaths() throws {
        let patterns = ["/**", "/a/**", "/a/*", "/a/?", "/a/*.txt", "/a/?*", "/*/b/**", "/a/b", "/a/**/c", "/a/x*y"]
        let samples = [
            "/a", "/a/b", "/a/b/c", "/a/x.txt", "/a/\u{E9}", "/a/xy", "/a/xzy", "/q/b/c", "/a/b/b/c", "/a/.txt",
            "/z",
        ]
        for grantText in patterns {
            for requirementText in patterns {
                let grant = try GlobPattern(grantText)
                let requirement = try GlobPattern(requirementText)
                guard grant.covers(requirement) else { continue }
                for sample in samples where requirement.matches(sample) {
                    #expect(grant.matches(sample), "\(grantText) covers \(requirementText) but not \(sample)")
                }
            }
        }
    }

    @Test func patternsTooLongToCompareAreNotCovered() throws {
        let long = try GlobPattern("/" + Array(repeating: "a", count: 300).joined(separator: "/") + "/**")
        let longer = try GlobPattern("/" + Array(repeating: "a", count: 300).joined(separator: "/") + "/b")
        #expect(!long.covers(longer))
        #expect(try GlobPattern("/**").covers(GlobPattern("/a/b")))
    }
}
