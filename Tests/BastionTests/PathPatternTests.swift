import Testing

@testable import Bastion

struct PathPatternTests {
    @Test func patternsAreRelativeToTheRoot() throws {
        let pattern = try PathPattern("*.md", root: "/w")
        #expect(pattern.matches("/w/a.md"))
        #expect(!pattern.matches("/w/d/a.md"))
        #expect(try PathPattern("/**/*.md", root: "/w").matches("/w/d/a.md"))
    }

    @Test func bracesExpandWithinALimitCheckedBeforeExpanding() throws {
        #expect(PathPattern.expandBraces("*.{js,ts}")?.sorted() == ["*.js", "*.ts"])
        #expect(PathPattern.expandBraces("{a,b}/{c,d}")?.count == 4)
        #expect(PathPattern.expandBraces("no-braces") == ["no-braces"])
        let wide = "{" + (0..<20_000).map { "x\($0)" }.joined(separator: ",") + "}"
        #expect(PathPattern.expandBraces(wide) == nil)
        #expect(PathPattern.expandBraces("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}") == nil)  // 128 > 64
        #expect(throws: ToolError.self) { try PathPattern(String(wide.prefix(1_000)) + "}", root: "/w") }
        #expect(throws: ToolError.self) { try PathPattern(wide, root: "/w") }
    }

    @Test func aPlainNameMatchesAnywhereWhenAsked() throws {
        let pattern = try PathPattern("node_modules", root: "/w", matchingNamesAnywhere: true)
        #expect(pattern.matches("/w/node_modules"))
        #expect(pattern.matches("/w/a/node_modules/x/y"))
        #expect(!pattern.matches("/w/node_modules_old"))
    }

    @Test func aBadPatternIsAToolError() {
        #expect(throws: ToolError.self) { try PathPattern("a**", root: "/w") }
        #expect(throws: ToolError.self) { try PathPattern("", root: "/w") }
    }
}
