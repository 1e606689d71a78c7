/// The call-level decisions of a directory walk: one directory's, for each of its entries.
///
/// Every decision is made on the entry's raw name (the bytes `readdir` gave, which need not be
/// UTF-8) joined to the directory's canonical bytes, never on a decoded display name, and gives
/// the answer of ``ClientPermissions/check(_:canonicalBytes:)`` on that path. A name that is not
/// UTF-8, or a directory whose path is not, is also checked as ``PathCanonicalizer`` would see the
/// same file through a link (invalid bytes as U+FFFD), and allowed only when both forms are: a
/// `deny` rule that refuses `read_text_file` the file also hides it from walks.
///
/// The globs are stepped one segment at a time (``GlobStepper``), so an entry costs a match of its
/// name against the few globs that can still decide something below the directory, not a match
/// of its whole path against every glob. When no glob can tell two entries below a directory
/// apart (each matches none of them, or all of them), ``uniform`` is the decision of every entry
/// below it, made once for the directory.
public struct WalkPermissions: Sendable {
    /// A glob that can match some paths below the directory and not others, and its positions.
    struct Live: Sendable {
        let list: Int
        let glob: Int
        let positions: UInt64
    }

    let plan: WalkPlan
    /// The directory's canonical path, as bytes.
    public let directory: [UInt8]
    /// Whether ``directory`` is valid UTF-8.
    let isDirectoryUTF8: Bool
    /// Bit `i`: a glob of list `i` matches everything below the directory.
    let listsMatchingAll: UInt64
    /// Stepped globs still undecided below the directory, by list.
    let live: [Live]
    /// Globs too long to step (``GlobStepper/maximumSegments``), matched on whole paths.
    let whole: [(list: Int, glob: Int)]
    /// The decision of every entry below the directory (its subtree, at any depth), or `nil` when
    /// each entry is decided on its own.
    public let uniform: Bool?

    /// The decisions below `directory`, a canonical absolute directory.
    init(plan: WalkPlan, directory: [UInt8]) {
        self.plan = plan
        self.directory = directory
        self.isDirectoryUTF8 = String(validating: directory, as: UTF8.self) != nil
        guard let lists = plan.lists, PathBytes.isNormalAbsolute(bytes: directory), !directory.contains(0) else {
            (listsMatchingAll, live, whole, uniform) = (0, [], [], false)
            return
        }
        var all: UInt64 = 0
        var live: [Live] = []
        var whole: [(list: Int, glob: Int)] = []
        let segments = directory.split(separator: PathBytes.slash)
        for (list, entry) in lists.enumerated() {
            for (index, stepper) in entry.globs.enumerated() {
                guard stepper.count != nil else {
                    whole.append((list, index))
                    continue
                }
                var positions = stepper.start
                for segment in segments {
                    positions = segment.withUnsafeBufferPointer { stepper.step(positions, $0) }
                }
                Self.classify(stepper, positions, list: list, glob: index, all: &all, live: &live)
            }
        }
        (listsMatchingAll, self.live, self.whole) = (all, live, whole)
        uniform = Self.uniform(lists, all: all, live: live, whole: whole, isUTF8: isDirectoryUTF8)
    }

    private init(
        _ parent: WalkPermissions,
        directory: [UInt8],
        isUTF8: Bool,
        all: UInt64,
        live: [Live],
        uniform: Bool?
    ) {
        self.plan = parent.plan
        self.directory = directory
        self.isDirectoryUTF8 = isUTF8
        self.listsMatchingAll = all
        self.live = live
        self.whole = parent.whole
        self.uniform = uniform
    }

    /// Whether the client may access the entry `name` of the directory.
    /// - Parameter name: The entry's raw name (no `/`, no NUL).
    public func isAllowed(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if let uniform { return uniform }
        guard let lists = plan.lists, Self.isEntryName(name) else { return false }
        guard decide(lists, name) else { return false }
        if isDirectoryUTF8, Self.isUTF8(name) { return true }
        // The form a link to the same file resolves to: invalid bytes as U+FFFD.
        guard let rules = plan.rules else { return false }
        let lossy = String(decoding: joined(name), as: UTF8.self)
        return rules.decide(plan.access, canonicalPath: lossy).isAllowed
    }

    /// The decisions below the entry `name`, a directory of this one.
    /// - Parameter name: The entry's raw name (no `/`, no NUL).
    public func entering(_ name: UnsafeBufferPointer<UInt8>) -> WalkPermissions {
        let path = joined(name)
        let isUTF8 = isDirectoryUTF8 && Self.isUTF8(name)
        // Uniform below this directory is uniform below each of its subdirectories, for the U+FFFD
        // forms of the paths too (they lie below this directory, whose path is then UTF-8).
        if let uniform {
            return WalkPermissions(
                self,
                directory: path,
                isUTF8: isUTF8,
                all: listsMatchingAll,
                live: [],
                uniform: uniform
            )
        }
        guard let lists = plan.lists, Self.isEntryName(name) else {
            return WalkPermissions(self, directory: path, isUTF8: isUTF8, all: 0, live: [], uniform: false)
        }
        var all = listsMatchingAll
        var live: [Live] = []
        for entry in self.live {
            let stepper = lists[entry.list].globs[entry.glob]
            Self.classify(
                stepper,
                stepper.step(entry.positions, name),
                list: entry.list,
                glob: entry.glob,
                all: &all,
                live: &live
            )
        }
        let uniform = Self.uniform(lists, all: all, live: live, whole: whole, isUTF8: isUTF8)
        return WalkPermissions(self, directory: path, isUTF8: isUTF8, all: all, live: live, uniform: uniform)
    }

    // MARK: - Deciding

    /// The first list with a match decides; none means denied.
    private func decide(_ lists: [WalkPlan.List], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        for (index, list) in lists.enumerated() {
            if listsMatchingAll & (1 << UInt64(index)) != 0 { return list.allows }
            for entry in live where entry.list == index {
                let stepper = list.globs[entry.glob]
                if stepper.accepts(stepper.step(entry.positions, name)) { return list.allows }
            }
            for entry in whole where entry.list == index {
                if list.globs[entry.glob].glob.matches(joined(name)) { return list.allows }
            }
        }
        return false
    }

    /// Files a stepped glob as matching all below (a bit of `all`), nothing below (dropped) or live.
    private static func classify(
        _ stepper: GlobStepper,
        _ positions: UInt64,
        list: Int,
        glob: Int,
        all: inout UInt64,
        live: inout [Live]
    ) {
        if stepper.acceptsEverythingBelow(positions) {
            all |= 1 << UInt64(list)
        } else if stepper.canMatchBelow(positions) {
            live.append(Live(list: list, glob: glob, positions: positions))
        }
    }

    /// The decision of every path below, when no glob can tell two of them apart; a directory whose
    /// path is not UTF-8 is never uniformly allowed (each entry's U+FFFD form is checked too).
    private static func uniform(
        _ lists: [WalkPlan.List],
        all: UInt64,
        live: [Live],
        whole: [(list: Int, glob: Int)],
        isUTF8: Bool
    ) -> Bool? {
        for (index, list) in lists.enumerated() {
            if all & (1 << UInt64(index)) != 0 {
                guard list.allows else { return false }
                return isUTF8 ? true : nil
            }
            if live.contains(where: { $0.list == index }) || whole.contains(where: { $0.list == index }) { return nil }
        }
        return false
    }

    private func joined(_ name: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var path = directory
        if path.last != PathBytes.slash { path.append(PathBytes.slash) }
        path.append(contentsOf: name)
        return path
    }

    /// A name `readdir` can return: not empty, `.` or `..`, no `/` or NUL (fail closed otherwise).
    private static func isEntryName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        !name.isEmpty && !PathBytes.isDotSegment(name) && !name.contains(PathBytes.slash) && !name.contains(0)
    }

    private static func isUTF8(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.allSatisfy { $0 < 0x80 } || String(validating: name, as: UTF8.self) != nil
    }
}
