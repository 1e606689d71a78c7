// The file-system benchmark's data set: a tree of 100 × 1,000 small files, a directory of 10,000
// files and a 100 MiB text file, generated once with raw syscalls and reused while its stamp matches.
import Glibc

/// Where the data set lives and what it holds; the names are deterministic.
struct FsDataSet {
    /// Bumped whenever the layout or contents change, so an old data set is regenerated.
    static let version = "fs-bench-v1"
    static let treeDirectories = 100
    static let filesPerDirectory = 1_000
    static let wideFiles = 10_000
    /// 100 MiB of 100-byte lines.
    static let bigLines = 1_048_576
    static let bigLineBytes = 100
    /// The one file of the tree with the line that `search_content` looks for.
    static let needleFile = "d042/f0420.txt"
    static let needleLine = "NEEDLE-4242 the one rare line of the tree"
    /// What search_content, ripgrep and grep look for.
    static let needlePattern = "NEEDLE-[0-9]+"

    let base: String
    var tree: String { base + "/tree" }
    var wide: String { base + "/wide" }
    var big: String { base + "/big.txt" }
    private var stamp: String { base + "/.complete" }

    /// Files and directories below `tree` (what directory_tree reports).
    static var treeEntries: Int { treeDirectories * filesPerDirectory + treeDirectories }

    static func directoryName(_ d: Int) -> String { "d" + padded(d, 3) }
    static func fileName(_ f: Int) -> String { "f" + padded(f, 4) + ".txt" }

    /// Line `n` (1-based) of the big file, without its newline: the number, then filler to 100 bytes.
    static func bigLine(_ n: Int) -> String {
        let head = padded(n, 9) + " "
        let filler = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore"
        return head + filler.prefix(bigLineBytes - 1 - head.utf8.count)
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    var isComplete: Bool {
        guard let text = readSmallFile(stamp) else { return false }
        return text == Self.version + "\n"
    }

    /// Generates the data set unless a complete one of this version is there. Returns the seconds spent.
    func prepare() throws(SpawnError) -> Double? {
        if isComplete { return nil }
        let t0 = nowNs()
        unlink(stamp)
        try makeDirectory(base)
        try makeDirectory(tree)
        for d in 0..<Self.treeDirectories {
            let dir = Self.directoryName(d)
            try makeDirectory(tree + "/" + dir)
            for f in 0..<Self.filesPerDirectory {
                let name = dir + "/" + Self.fileName(f)
                var text = "\(name)\nalpha beta gamma \(d * Self.filesPerDirectory + f)\n"
                text += "the quick brown fox jumps over the lazy dog\n"
                if name == Self.needleFile { text += Self.needleLine + "\n" }
                try writeFile(tree + "/" + name, Array(text.utf8))
            }
        }
        try makeDirectory(wide)
        for f in 0..<Self.wideFiles {
            try writeFile(wide + "/w" + Self.padded(f, 5) + ".txt", Array("wide file \(f)\n".utf8))
        }
        try writeBigFile()
        try writeFile(stamp, Array((Self.version + "\n").utf8))
        return Double(nowNs() - t0) / 1e9
    }

    /// The big file in 4 MiB writes: each line is built once from a template by rewriting its digits.
    private func writeBigFile() throws(SpawnError) {
        let fd = open(big, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SpawnError(description: "cannot create \(big): \(errnoText())") }
        defer { close(fd) }
        let template = Array((Self.bigLine(0) + "\n").utf8)
        let linesPerChunk = (4 << 20) / Self.bigLineBytes
        var chunk = [UInt8]()
        chunk.reserveCapacity(linesPerChunk * Self.bigLineBytes)
        var n = 1
        while n <= Self.bigLines {
            chunk.removeAll(keepingCapacity: true)
            while n <= Self.bigLines && chunk.count < linesPerChunk * Self.bigLineBytes {
                let start = chunk.count
                chunk.append(contentsOf: template)
                var v = n
                for k in stride(from: start + 8, through: start, by: -1) {
                    chunk[k] = UInt8(48 + v % 10)
                    v /= 10
                }
                n += 1
            }
            guard chunk.withUnsafeBytes({ writeAll(fd, $0) }) else {
                throw SpawnError(description: "cannot write \(big): \(errnoText())")
            }
        }
    }

    private func makeDirectory(_ path: String) throws(SpawnError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw SpawnError(description: "cannot create \(path): \(errnoText())")
        }
    }

    private func writeFile(_ path: String, _ bytes: [UInt8]) throws(SpawnError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SpawnError(description: "cannot create \(path): \(errnoText())") }
        defer { close(fd) }
        guard bytes.withUnsafeBytes({ writeAll(fd, $0) }) else {
            throw SpawnError(description: "cannot write \(path): \(errnoText())")
        }
    }
}
