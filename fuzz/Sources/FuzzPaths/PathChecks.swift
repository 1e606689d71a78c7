import BastionSecurity
import FuzzSupport

/// The obvious byte-level definitions that ``PathBytes`` must agree with.
enum PathBytesReference {
    static let slash = UInt8(ascii: "/")

    static func isDot(_ segment: [UInt8]) -> Bool {
        segment == [UInt8(ascii: ".")] || segment == [UInt8(ascii: "."), UInt8(ascii: ".")]
    }

    static func segments(_ path: [UInt8]) -> [[UInt8]] {
        path.split(separator: slash).map(Array.init)
    }

    /// `/`, or `/` followed by non-empty segments other than `.` and `..`, with no trailing `/`.
    static func isNormalAbsolute(_ path: [UInt8]) -> Bool {
        guard path.first == slash else { return false }
        if path == [slash] { return true }
        let parts = path.dropFirst().split(separator: slash, omittingEmptySubsequences: false).map(Array.init)
        return parts.allSatisfy { !$0.isEmpty && !isDot($0) }
    }

    static func isWithin(_ path: [UInt8], _ directory: [UInt8]) -> Bool {
        if directory == [slash] { return path.first == slash }
        return path == directory || path.starts(with: directory + [slash])
    }

    /// Lexical normal form: `.` dropped, `..` pops (and stays at the root).
    static func lexical(_ absolute: [UInt8]) -> [[UInt8]] {
        var stack: [[UInt8]] = []
        for segment in segments(absolute) {
            if segment == [UInt8(ascii: ".")] { continue }
            if segment == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                _ = stack.popLast()
                continue
            }
            stack.append(segment)
        }
        return stack
    }
}

enum PathChecks {
    /// Checks every `PathBytes` function and the lexical canonicalization on `path` (and `directory`).
    static func check(_ path: String, directory: String) {
        let bytes = Array(path.utf8)
        let segments = PathBytes.segments(path).map { Array($0.utf8) }
        fuzzCheck(segments == PathBytesReference.segments(bytes), "PathBytes.segments(\(debug(path))) is \(segments)")
        let isNormal = PathBytes.isNormalAbsolute(path)
        fuzzCheck(
            isNormal == PathBytesReference.isNormalAbsolute(bytes),
            "PathBytes.isNormalAbsolute(\(debug(path))) is \(isNormal)"
        )
        checkWithin(path, directory)
        checkSplitLast(path, isNormal: isNormal)
        checkLexical("/" + path)
        if bytes.count <= 256 { checkCanonical(path) }
    }

    /// Below a directory that does not exist, canonicalization is lexical resolution alone.
    private static func checkCanonical(_ path: String) {
        let root = "nonexistent-bastion-fuzz"
        let workdir = "/\(root)/w"
        let home = "/\(root)/h"
        let canonical = try? PathCanonicalizer.canonical(path, relativeTo: workdir, home: home)
        let bytes = Array(path.utf8)
        if bytes.isEmpty || bytes.contains(0) {
            fuzzCheck(canonical == nil, "PathCanonicalizer.canonical accepted \(debug(path))")
            return
        }
        let absolute: String
        if bytes == [UInt8(ascii: "~")] || bytes.starts(with: Array("~/".utf8)) {
            absolute = home + "/" + String(decoding: bytes.dropFirst(), as: UTF8.self)
        } else {
            absolute = bytes.first == PathBytesReference.slash ? path : workdir + "/" + path
        }
        let lexical = PathBytesReference.lexical(Array(absolute.utf8))
        guard lexical.first == Array(root.utf8) else {
            // Elsewhere the real file system decides; the result must still be normal.
            if let canonical { fuzzCheck(PathBytes.isNormalAbsolute(canonical), "canonical \(debug(canonical))") }
            return
        }
        let expected = "/" + lexical.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        fuzzCheck(
            canonical == expected,
            "PathCanonicalizer.canonical(\(debug(path))) is \(canonical.map(debug) ?? "refused"), expected \(debug(expected))"
        )
    }

    private static func checkWithin(_ path: String, _ directory: String) {
        let isWithin = PathBytes.isWithin(path, directory)
        fuzzCheck(
            isWithin == PathBytesReference.isWithin(Array(path.utf8), Array(directory.utf8)),
            "PathBytes.isWithin(\(debug(path)), \(debug(directory))) is \(isWithin)"
        )
        let relative = PathBytes.relative(path, to: directory)
        fuzzCheck((relative != nil) == isWithin, "PathBytes.relative disagrees with isWithin")
        guard let relative, !relative.isEmpty, PathBytes.isNormalAbsolute(directory) else { return }
        let joined = PathBytes.join(directory, relative)
        fuzzCheck(
            Array(joined.utf8) == Array(path.utf8),
            "PathBytes.join(\(debug(directory)), relative \(debug(relative))) is \(debug(joined)), not the path"
        )
    }

    private static func checkSplitLast(_ path: String, isNormal: Bool) {
        let isOnlySlashes = path.utf8.allSatisfy { $0 == PathBytesReference.slash }
        guard let (parent, name) = PathBytes.splitLast(path) else {
            fuzzCheck(isOnlySlashes, "PathBytes.splitLast(\(debug(path))) is nil")
            return
        }
        fuzzCheck(!isOnlySlashes, "PathBytes.splitLast(\(debug(path))) is not nil")
        fuzzCheck(
            !name.isEmpty && !name.utf8.contains(PathBytesReference.slash),
            "PathBytes.splitLast(\(debug(path))) gave the name \(debug(name))"
        )
        guard isNormal else { return }
        fuzzCheck(PathBytes.isNormalAbsolute(parent), "the parent \(debug(parent)) of a normal path is not normal")
        let joined = PathBytes.join(parent, name)
        fuzzCheck(
            Array(joined.utf8) == Array(path.utf8),
            "splitLast then join gave \(debug(joined)) for \(debug(path))"
        )
    }

    /// Lexical resolution matches the reference, gives a normal path and is idempotent.
    private static func checkLexical(_ absolute: String) {
        let components = PathCanonicalizer.lexicalComponents(absolute).map { Array($0.utf8) }
        fuzzCheck(
            components == PathBytesReference.lexical(Array(absolute.utf8)),
            "PathCanonicalizer.lexicalComponents(\(debug(absolute))) is \(components)"
        )
        let joined = "/" + components.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        fuzzCheck(PathBytes.isNormalAbsolute(joined), "the lexical form \(debug(joined)) is not normal")
        let again = PathCanonicalizer.lexicalComponents(joined).map { Array($0.utf8) }
        fuzzCheck(again == components, "lexical resolution is not idempotent on \(debug(joined))")
    }
}
