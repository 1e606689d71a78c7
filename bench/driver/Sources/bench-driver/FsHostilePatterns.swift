// search_content with the patterns that took glibc's regcomp/regexec down (issue 9, B3) and the
// worst of what RE2 accepts up to 1 KiB: each is answered at once, refused naming its limit or
// searched, and the server's peak RSS stays under 256 MB.

/// Peak RSS target of a search_content call, whatever its pattern (up to 1 KiB).
let hostilePatternRSSTargetMB = 256.0

func hostilePatternCases(_ data: FsDataSet) -> [FsCase] {
    // 1,000 files of the tree: enough text for an accepted pattern to be matched for real.
    let directory = data.tree + "/" + FsDataSet.directoryName(42)
    func refused(_ shown: String, _ pattern: String, saying expected: String) -> FsCase {
        FsCase(
            label: "search_content B3 \(shown): refused", tool: "search_content",
            arguments: ["path": directory, "pattern": pattern], targetMs: nil, expectedError: expected,
            rssTargetMB: hostilePatternRSSTargetMB
        ) { _ in nil }
    }
    let accepted = "(.{0,250}){4}#"
    return [
        refused("`((.{1,255}){1,255}){1,255}`", "((.{1,255}){1,255}){1,255}", saying: "1000 copies"),
        refused("`(.{0,255}){0,255}$`", "(.{0,255}){0,255}$", saying: "1000 copies"),
        refused("`(.{0,255})` ×102 (1,020 B)", String(repeating: "(.{0,255})", count: 102), saying: "instructions"),
        refused("`x{255}` ×170 (1,020 B)", String(repeating: "x{255}", count: 170), saying: "instructions"),
        FsCase(
            label: "search_content B3 `\(accepted)` (9,004 instructions, 1,000 files)", tool: "search_content",
            arguments: ["path": directory, "pattern": accepted], targetMs: nil,
            rssTargetMB: hostilePatternRSSTargetMB
        ) { s in
            let count = (s["matches"] as? [Any])?.count
            let searched = (s["filesSearched"] as? Int) ?? -1
            return count == 0 && searched == FsDataSet.filesPerDirectory
                ? nil : "no match in 1,000 files expected, got \(count ?? -1) in \(searched)"
        },
    ]
}
