import Testing

@testable import BastionSecurity

/// Stepping a glob segment by segment gives ``GlobPattern/matches(_:)``'s answer for every path,
/// and says when nothing or everything below a directory can match.
struct GlobStepperTests {
    static func positions(_ stepper: GlobStepper, _ path: String) -> UInt64 {
        var positions = stepper.start
        for segment in Array(path.utf8).split(separator: UInt8(ascii: "/")) {
            positions = segment.withUnsafeBufferPointer { stepper.step(positions, $0) }
        }
        return positions
    }

    @Test(arguments: ["/a/**", "**/*.key", "/a/*/c", "/**/b/**/c", "/a/?", "**", "/", "/a/**/**", "/*/**/x*y"])
    func stepsAgreeWithWholePathMatching(_ pattern: String) throws {
        let glob = try GlobPattern(pattern)
        let stepper = GlobStepper(glob)
        let paths = [
            "/", "/a", "/a/b", "/a/b/c", "/a/x.key", "/b", "/b/b/c", "/a/b/b/c/c", "/a/\u{E9}", "/q/xzy", "/q/r/xy",
        ]
        for path in paths {
            #expect(stepper.accepts(Self.positions(stepper, path)) == glob.matches(path), "\(pattern) on \(path)")
        }
    }

    @Test func saysWhenNothingOrEverythingBelowCanMatch() throws {
        let tree = GlobStepper(try GlobPattern("/a/**"))
        #expect(tree.acceptsEverythingBelow(Self.positions(tree, "/a")))
        #expect(tree.acceptsEverythingBelow(Self.positions(tree, "/a/b")))
        #expect(!tree.canMatchBelow(Self.positions(tree, "/b")))
        let file = GlobStepper(try GlobPattern("/a/b"))
        #expect(file.accepts(Self.positions(file, "/a/b")))
        #expect(!file.canMatchBelow(Self.positions(file, "/a/b")))  // only /a/b itself
        #expect(file.canMatchBelow(Self.positions(file, "/a")))
        #expect(!file.acceptsEverythingBelow(Self.positions(file, "/a")))
        let anywhere = GlobStepper(try GlobPattern("**/*.key"))
        #expect(anywhere.canMatchBelow(Self.positions(anywhere, "/x/y")))
        #expect(!anywhere.acceptsEverythingBelow(Self.positions(anywhere, "/x/y")))
    }

    @Test func aBytePatternStepsTheRawBytesOfAName() throws {
        let stepper = GlobStepper(try GlobPattern("/r/?secret"))
        var positions = Self.positions(stepper, "/r")
        let raw: [UInt8] = [0xFF] + Array("secret".utf8)
        positions = raw.withUnsafeBufferPointer { stepper.step(positions, $0) }
        #expect(stepper.accepts(positions))
        #expect(try GlobPattern("/r/?secret").matches(Array("/r/".utf8) + raw))
    }

    @Test func aGlobTooLongToStepIsLeftToWholePaths() throws {
        let segments = Array(repeating: "x", count: GlobStepper.maximumSegments + 1)
        let long = try GlobPattern("/" + segments.joined(separator: "/"))
        let stepper = GlobStepper(long)
        #expect(stepper.count == nil)
        #expect(stepper.canMatchBelow(stepper.start))
        #expect(!stepper.accepts(stepper.start))
    }
}
