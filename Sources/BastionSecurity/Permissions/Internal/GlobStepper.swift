/// A ``GlobPattern`` matched one path segment at a time, for directory walks: after a directory's
/// segments, the set of pattern positions still reachable says whether the pattern can match
/// nothing below it (no position), everything below it (a position followed only by `**`), or
/// some entries only (then each entry's name is stepped through).
///
/// The set is a bit mask over positions `0...n` (`n` segments): bit `p` means "the first `p`
/// segments of the pattern matched the path so far"; bit `n` means the path matches. `**` at
/// position `p` may match zero segments (so `p` brings `p + 1`) or one more (so it stays). This
/// is the automaton of ``GlobPattern/matchSegments(_:_:in:)``'s two-pointer scan, and gives the
/// same answers (`WalkPermissionsTests` checks both against each other).
struct GlobStepper: Sendable {
    /// The most segments a pattern may have to be stepped (its positions fit one `UInt64`).
    static let maximumSegments = 63

    let glob: GlobPattern
    /// `nil` when the pattern is too long to step: it is then matched on whole paths.
    let count: Int?
    /// Positions holding `**`.
    private let globstars: UInt64
    /// Positions before `n` followed only by `**` segments: from there every longer path matches.
    private let everything: UInt64

    init(_ glob: GlobPattern) {
        self.glob = glob
        let segments = glob.segments
        guard segments.count <= Self.maximumSegments else {
            (count, globstars, everything) = (nil, 0, 0)
            return
        }
        var globstars: UInt64 = 0
        var everything: UInt64 = 0
        var onlyGlobstarsAfter = true
        for position in stride(from: segments.count - 1, through: 0, by: -1) {
            guard case .globstar = segments[position] else {
                onlyGlobstarsAfter = false
                continue
            }
            globstars |= 1 << UInt64(position)
            if onlyGlobstarsAfter { everything |= 1 << UInt64(position) }
        }
        (self.count, self.globstars, self.everything) = (segments.count, globstars, everything)
    }

    /// The positions before any segment: position 0 and what `**` reaches from it.
    var start: UInt64 { closure(1) }

    /// The positions after one more segment.
    /// - Parameters:
    ///   - positions: The positions before it (from ``start`` or an earlier step).
    ///   - segment: The segment's bytes (no `/`).
    /// - Returns: The positions after it.
    func step(_ positions: UInt64, _ segment: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let count else { return 0 }
        var next: UInt64 = 0
        var pending = positions & ~(1 << UInt64(count))
        while pending != 0 {
            let position = pending.trailingZeroBitCount
            pending &= pending - 1
            let bit: UInt64 = 1 << UInt64(position)
            if globstars & bit != 0 {
                next |= bit
            } else if GlobPattern.matchSegment(glob.segments[position], segment) {
                next |= bit << 1
            }
        }
        return closure(next)
    }

    /// Whether the path stepped so far matches.
    func accepts(_ positions: UInt64) -> Bool {
        guard let count else { return false }
        return positions & (1 << UInt64(count)) != 0
    }

    /// Whether some path strictly below the one stepped so far may match (a position before the end).
    func canMatchBelow(_ positions: UInt64) -> Bool {
        guard let count else { return true }
        return positions & ~(1 << UInt64(count)) != 0
    }

    /// Whether every path strictly below the one stepped so far matches.
    func acceptsEverythingBelow(_ positions: UInt64) -> Bool {
        positions & everything != 0
    }

    /// Adds what `**` reaches by matching zero segments (in ascending order, so chains of `**` too).
    private func closure(_ positions: UInt64) -> UInt64 {
        var result = positions
        var pending = globstars
        while pending != 0 {
            let position = pending.trailingZeroBitCount
            pending &= pending - 1
            if result & (1 << UInt64(position)) != 0 { result |= 1 << UInt64(position + 1) }
        }
        return result
    }
}
