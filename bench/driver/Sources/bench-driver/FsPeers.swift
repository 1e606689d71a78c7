// The peers of the file-system tools on the same tree in the same run, each timed from posix_spawn
// to its exit, its output read from a pipe and checked: ripgrep (`rg -n`) and GNU grep (`grep -rEn`)
// beside search_content, GNU find (`find -name`) beside search_files, `find -printf` beside
// directory_tree (issue 9: walks within 2× and 3× of find).
import Glibc

/// A command that does what a case's tool does, on the same tree.
struct FsPeer {
    let label: String
    let argv: [String]
    /// What is wrong with a run's output, or nil.
    let check: (CommandRun) -> String?
}

/// A Bastion case's median against a peer's, with the target ratio (printed under the table).
struct FsRatio {
    /// The Bastion row's label starts with this.
    let bastion: String
    /// The peer row's label starts with this.
    let peer: String
    let name: String
    let target: Double?
}

/// The ratios printed under the table.
let fsRatios: [FsRatio] = [
    FsRatio(bastion: "search_content NEEDLE", peer: "rg ", name: "search_content / ripgrep", target: 1.5),
    FsRatio(bastion: "search_content NEEDLE", peer: "grep ", name: "search_content / GNU grep", target: nil),
    FsRatio(bastion: "search_files **/f0999", peer: "find -name f0999", name: "search_files / find -name", target: 2),
    FsRatio(bastion: "search_files **/*.txt", peer: "find -name *.txt", name: "search_files / find -name", target: 2),
    FsRatio(bastion: "directory_tree", peer: "find -printf", name: "directory_tree / find -printf", target: 3),
]

func fsPeers(_ data: FsDataSet, pattern: String) -> [FsPeer] {
    func needle(_ run: CommandRun) -> String? {
        let lines = run.output.split(separator: "\n")
        guard run.status == 0, lines.count == 1, lines[0].hasSuffix(":4:" + FsDataSet.needleLine) else {
            return "exit \(run.status), output: \(run.output.prefix(300))"
        }
        return nil
    }
    return [
        FsPeer(label: "rg -n \(pattern) (\(versionLine("rg")))", argv: ["rg", "-n", pattern, data.tree], check: needle),
        FsPeer(
            label: "grep -rEn \(pattern) (\(versionLine("grep")))", argv: ["grep", "-rEn", pattern, data.tree],
            check: needle),
    ]
}

/// `find TREE -name NAME`: every path whose last segment matches, one a line.
func findNamePeer(_ data: FsDataSet, name: String, expected: Int) -> FsPeer {
    FsPeer(label: "find -name \(name) (\(versionLine("find")))", argv: ["find", data.tree, "-name", name]) { run in
        let count = run.output.split(separator: "\n").count
        return run.status == 0 && count == expected ? nil : "exit \(run.status), \(count) lines (\(expected) expected)"
    }
}

/// `find TREE -printf '%d %y %f\n'`: each entry's depth, type and name, what a tree shows.
func findPrintfPeer(_ data: FsDataSet) -> FsPeer {
    let expected = FsDataSet.treeEntries + 1  // find prints the tree itself too
    let argv = ["find", data.tree, "-printf", "%d %y %f\\n"]
    return FsPeer(label: "find -printf '%d %y %f\\n' (\(versionLine("find")))", argv: argv) { run in
        let count = run.output.split(separator: "\n").count
        return run.status == 0 && count == expected ? nil : "exit \(run.status), \(count) lines (\(expected) expected)"
    }
}

/// The first line of `program --version`, shortened ("ripgrep 13.0.0", "grep (GNU grep) 3.8").
private func versionLine(_ program: String) -> String {
    guard let run = try? runCommand([program, "--version"]) else { return "not installed" }
    let line = String(run.output.split(separator: "\n").first ?? "?")
    if line.hasPrefix("find (GNU findutils) ") { return "GNU find " + line.dropFirst("find (GNU findutils) ".count) }
    return line.hasPrefix("grep (GNU grep) ") ? "GNU grep " + line.dropFirst("grep (GNU grep) ".count) : line
}

/// One warm-up run and `repetitions` timed runs; every run's output must pass the peer's check.
func measurePeer(_ peer: FsPeer, repetitions: Int) -> FsRow {
    var row = FsRow(label: peer.label, tool: peer.argv[0])
    var times: [UInt64] = []
    for round in 0...repetitions {
        let run: CommandRun
        do {
            run = try runCommand(peer.argv)
        } catch {
            row.errors += 1
            row.firstError = row.firstError ?? error.description
            break
        }
        if let problem = peer.check(run) {
            row.errors += 1
            row.firstError = row.firstError ?? problem
        }
        row.responseBytes = run.output.utf8.count
        if round > 0 { times.append(run.ns) }
    }
    times.sort()
    row.calls = times.count
    if let first = times.first, let last = times.last {
        row.minMs = Double(first) / 1e6
        row.medianMs = Double(times[(times.count - 1) / 2]) / 1e6
        row.maxMs = Double(last) / 1e6
    }
    return row
}

/// A finished command. (No peak RSS: posix_spawn's vfork makes the child's ru_maxrss start at the
/// driver's own high-water mark.)
struct CommandRun {
    var ns: UInt64
    var status: Int32
    var output: String
}

/// Runs `argv` (from PATH) with stdout on a pipe read to the end, stderr discarded.
func runCommand(_ argv: [String]) throws(SpawnError) -> CommandRun {
    var outPipe: [Int32] = [-1, -1]
    guard pipe(&outPipe) == 0 else { throw SpawnError(description: "pipe: \(errnoText())") }
    for fd in outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let cArgv = argv.map { strdup($0) } + [nil]
    defer { cArgv.forEach { free($0) } }
    var pid: pid_t = 0
    let t0 = nowNs()
    let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgv, environ)
    close(outPipe[1])
    guard rc == 0 else {
        close(outPipe[0])
        throw SpawnError(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))")
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        output += chunk[0..<n]
    }
    close(outPipe[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let ns = nowNs() - t0
    let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return CommandRun(ns: ns, status: code, output: String(decoding: output, as: UTF8.self))
}
