/// A line of a hunk: a marker and a line index into the old text (removed) or the new text (context, added).
struct HunkLine {
    enum Marker: UInt8 {
        case context = 0x20
        case added = 0x2B
        case removed = 0x2D
    }

    /// The two texts that hunk lines point into.
    struct Sides {
        var old: [UInt8]
        var oldLines: [LineToken]
        var new: [UInt8]
        var newLines: [LineToken]
    }

    var marker: Marker
    var line: Int
}

/// A hunk of a unified diff, with jsdiff's 1-based starts.
struct Hunk {
    var oldStart: Int
    var newStart: Int
    var oldCount = 0
    var newCount = 0
    var lines: [HunkLine] = []

    init(oldStart: Int, newStart: Int) {
        self.oldStart = oldStart
        self.newStart = newStart
    }

    /// jsdiff's `formatPatch` for one hunk, with step 2 of `diffLinesResultToPatch` (the no-newline markers).
    func write(to output: inout [UInt8], sides: HunkLine.Sides) {
        // Unified diff quirk kept by jsdiff: an empty range starts one line lower.
        let oldHeaderStart = oldCount == 0 ? oldStart - 1 : oldStart
        let newHeaderStart = newCount == 0 ? newStart - 1 : newStart
        output.append(contentsOf: "@@ -\(oldHeaderStart),\(oldCount) +\(newHeaderStart),\(newCount) @@\n".utf8)
        for line in lines {
            let isOld = line.marker == .removed
            let bytes = isOld ? sides.old : sides.new
            let range = (isOld ? sides.oldLines : sides.newLines)[line.line].range
            output.append(line.marker.rawValue)
            output.append(contentsOf: bytes[range])
            if range.isEmpty || bytes[range.upperBound - 1] != UTF8Text.lineFeed {
                output.append(contentsOf: "\n\\ No newline at end of file\n".utf8)
            }
        }
    }
}
