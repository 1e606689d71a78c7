/// A line diff with the same algorithm and tie-breaking as jsdiff's `diffLines`, so that the hunks of
/// ``UnifiedDiff`` are the ones the reference server prints.
///
/// jsdiff runs Myers' O(ND) greedy algorithm (Myers 1986, "An O(ND) Difference Algorithm and Its Variations") forward,
/// keeping for each diagonal the furthest-reaching path and preferring, on a tie, the path that went further in the
/// old text. Time is O((N+M)·D) and memory O(D²), which is fast for large files with few changes. To bound both for
/// very different inputs, past ``maximumEditLength`` edits (or ``maximumWork`` steps) the diff falls back to keeping
/// the common prefix and suffix and replacing everything between them: still a correct diff, just not minimal.
struct LineDiff {
    /// What a run of lines is.
    enum Kind: UInt8 {
        case common
        case removed
        case added
    }

    /// A run of `count` lines of one kind.
    struct Component: Equatable {
        var kind: Kind
        var count: Int
    }

    static let maximumEditLength = 1_000
    static let maximumWork = 40_000_000

    private struct Node {
        var count: Int32
        var kind: Kind
        var previous: Int32
    }

    private struct Path {
        var oldPosition: Int
        var last: Int32
    }

    private let old: [Int]
    private let new: [Int]
    private var nodes: [Node] = []
    private var work = 0

    /// The components turning `old` into `new`, which are line identities (equal lines have equal numbers).
    static func components(old: [Int], new: [Int]) -> [Component] {
        var diff = LineDiff(old: old, new: new)
        return diff.run() ?? fallback(old: old, new: new)
    }

    private init(old: [Int], new: [Int]) {
        self.old = old
        self.new = new
    }

    private mutating func run() -> [Component]? {
        let oldCount = old.count
        let newCount = new.count
        // Diagonals stay within ±(edit length + 1), and the edit length is bounded.
        let offset = min(oldCount + newCount, Self.maximumEditLength) + 1
        var best = [Path?](repeating: nil, count: 2 * offset + 1)
        var seed = Path(oldPosition: -1, last: -1)
        var newPosition = extractCommon(&seed, diagonal: 0)
        if seed.oldPosition + 1 >= oldCount && newPosition + 1 >= newCount {
            return components(endingAt: seed.last)
        }
        best[offset] = seed
        var minimumDiagonal = Int.min
        var maximumDiagonal = Int.max
        var editLength = 1
        while editLength <= min(oldCount + newCount, Self.maximumEditLength) {
            var diagonal = max(minimumDiagonal, -editLength)
            while diagonal <= min(maximumDiagonal, editLength) {
                defer { diagonal += 2 }
                work += 1
                guard work <= Self.maximumWork else { return nil }
                let removePath = best[offset + diagonal - 1]
                let addPath = best[offset + diagonal + 1]
                best[offset + diagonal - 1] = nil
                var canAdd = false
                if let addPath {
                    let addNewPosition = addPath.oldPosition - diagonal
                    canAdd = 0 <= addNewPosition && addNewPosition < newCount
                }
                let canRemove = removePath.map { $0.oldPosition + 1 < oldCount } ?? false
                guard canAdd || canRemove else {
                    best[offset + diagonal] = nil
                    continue
                }
                var path: Path
                if let addPath, canAdd, !canRemove || (removePath?.oldPosition ?? .max) < addPath.oldPosition {
                    path = extend(addPath, kind: .added)
                } else if let removePath {
                    path = extend(removePath, kind: .removed)
                } else {
                    continue
                }
                newPosition = extractCommon(&path, diagonal: diagonal)
                if path.oldPosition + 1 >= oldCount && newPosition + 1 >= newCount {
                    return components(endingAt: path.last)
                }
                best[offset + diagonal] = path
                if path.oldPosition + 1 >= oldCount {
                    maximumDiagonal = min(maximumDiagonal, diagonal - 1)
                }
                if newPosition + 1 >= newCount {
                    minimumDiagonal = max(minimumDiagonal, diagonal + 1)
                }
            }
            editLength += 1
        }
        return nil
    }

    /// jsdiff's `addToPath`: one more added or removed line, merged into the last node when it has the same kind.
    private mutating func extend(_ path: Path, kind: Kind) -> Path {
        let oldPosition = path.oldPosition + (kind == .removed ? 1 : 0)
        if path.last >= 0, nodes[Int(path.last)].kind == kind {
            let last = nodes[Int(path.last)]
            nodes.append(Node(count: last.count + 1, kind: kind, previous: last.previous))
        } else {
            nodes.append(Node(count: 1, kind: kind, previous: path.last))
        }
        return Path(oldPosition: oldPosition, last: Int32(nodes.count - 1))
    }

    /// jsdiff's `extractCommon`: follows the snake of equal lines on `diagonal`; returns the new position.
    private mutating func extractCommon(_ path: inout Path, diagonal: Int) -> Int {
        var oldPosition = path.oldPosition
        var newPosition = oldPosition - diagonal
        let start = oldPosition
        while newPosition + 1 < new.count && oldPosition + 1 < old.count && old[oldPosition + 1] == new[newPosition + 1]
        {
            newPosition += 1
            oldPosition += 1
        }
        work += oldPosition - start
        if oldPosition > start {
            nodes.append(Node(count: Int32(oldPosition - start), kind: .common, previous: path.last))
            path.last = Int32(nodes.count - 1)
        }
        path.oldPosition = oldPosition
        return newPosition
    }

    private func components(endingAt last: Int32) -> [Component] {
        var result: [Component] = []
        var index = last
        while index >= 0 {
            let node = nodes[Int(index)]
            result.append(Component(kind: node.kind, count: Int(node.count)))
            index = node.previous
        }
        return result.reversed()
    }

    /// Common prefix, everything else removed then added, common suffix.
    static func fallback(old: [Int], new: [Int]) -> [Component] {
        var prefix = 0
        while prefix < old.count && prefix < new.count && old[prefix] == new[prefix] {
            prefix += 1
        }
        var suffix = 0
        while suffix < old.count - prefix && suffix < new.count - prefix
            && old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        let runs = [
            Component(kind: .common, count: prefix),
            Component(kind: .removed, count: old.count - prefix - suffix),
            Component(kind: .added, count: new.count - prefix - suffix),
            Component(kind: .common, count: suffix),
        ]
        return runs.filter { $0.count > 0 }
    }
}
