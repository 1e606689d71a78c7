import Testing

@testable import BastionSecurity

/// Characters that swallow a neighbouring `/` into one grapheme cluster: U+0600 (prepend) before
/// it, U+0301 (combining acute) after it.
private let prepend = "\u{0600}"
private let combining = "\u{0301}"

struct PathBytesTests {
    @Test func segmentsSplitAtEverySlashByte() {
        #expect(PathBytes.segments("/a//b/") == ["a", "b"])
        #expect(PathBytes.segments("x\(prepend)/..") == ["x\(prepend)", ".."])
        #expect(PathBytes.segments("/\(combining)etc") == ["\(combining)etc"])
        // What String.split does instead, and why it must never be used on paths:
        #expect("x\(prepend)/..".split(separator: "/").count == 1)
    }

    @Test func normalAbsolutePathsHaveNoEmptyOrDotSegments() {
        #expect(PathBytes.isNormalAbsolute("/"))
        #expect(PathBytes.isNormalAbsolute("/a/b.c/..d"))
        for bad in ["a", "/a/", "//a", "/a/./b", "/a/../b", "/x\(prepend)/../b", "/a/\(combining)/.."] {
            #expect(!PathBytes.isNormalAbsolute(bad), "\(bad.unicodeScalars.map(\.value))")
        }
    }

    @Test func containmentIsBytewise() {
        #expect(PathBytes.isWithin("/w/a", "/w"))
        #expect(PathBytes.isWithin("/w", "/w"))
        #expect(!PathBytes.isWithin("/w-evil/a", "/w"))
        #expect(PathBytes.isWithin("/anything", "/"))
        // é precomposed and decomposed are equal Strings but different directories.
        #expect("/caf\u{E9}/x".hasPrefix("/cafe\u{301}"))
        #expect(!PathBytes.isWithin("/caf\u{E9}/x", "/cafe\u{301}"))
    }

    @Test func relativeCutsOnBytesWhateverTheRootHoldsBeyondASCII() {
        #expect(PathBytes.relative("/home/jos\u{E9}/X.env", to: "/home/jos\u{E9}") == "X.env")
        #expect(PathBytes.relative("/home/jos\u{E9}", to: "/home/jos\u{E9}") == "")
        #expect(PathBytes.relative("/etc/x", to: "/") == "etc/x")
        #expect(PathBytes.relative("/other", to: "/home") == nil)
    }

    @Test func slashesAndPrefixesAreFoundAsBytes() {
        #expect(PathBytes.containsSlash("tools/\(combining)git"))
        #expect(!"tools/\(combining)git".contains("/"))  // what a Character test says instead
        #expect(!PathBytes.containsSlash("git"))
        #expect(PathBytes.isAbsolute("/\(combining)etc"))
        #expect(!"/\(combining)etc".hasPrefix("/"))
        #expect(!PathBytes.isAbsolute("etc"))
        #expect(PathBytes.hasPrefix("**\(combining)/x", "**"))
        #expect(!PathBytes.hasPrefix("*", "**"))
        #expect(PathBytes.equal("/caf\u{E9}", "/caf\u{E9}"))
        #expect(!PathBytes.equal("/caf\u{E9}", "/cafe\u{301}"))
    }

    @Test func normalizedAppliesDotSegmentsOnBytes() {
        #expect(PathBytes.normalized("/a/./b//c/../d") == "/a/b/d")
        #expect(PathBytes.normalized("/a/b/\(combining)c/../d") == "/a/b/d")
        #expect(PathBytes.normalized("/..") == "/")
        #expect(PathBytes.normalized("") == "/")
        #expect(PathBytes.normalized("a/../../b") == "/b")
        #expect(PathBytes.normalized("/a/...") == "/a/...")
    }

    @Test func splitLastUsesTheLastSlashByte() {
        #expect(PathBytes.splitLast("W/L\(prepend)/secret.txt")?.name == "secret.txt")
        #expect(PathBytes.splitLast("W/L\(prepend)/secret.txt")?.parent == "W/L\(prepend)")
        #expect(PathBytes.splitLast("/c")?.parent == "/")
        #expect(PathBytes.splitLast("c/")?.name == "c")
        #expect(PathBytes.splitLast("/") == nil)
        #expect(PathBytes.join("/", "a") == "/a")
        #expect(PathBytes.join("/w", "a") == "/w/a")
    }
}
