// Runs every file-system case against its own fresh server and renders the table.
import Foundation

/// A fresh empty directory under `base` (the server's XDG_STATE_HOME).
private func freshDirectory(_ base: String) -> String? {
    var template = Array((base + "/bastion-fs-state.XXXXXX").utf8CString)
    return template.withUnsafeMutableBufferPointer { buffer -> String? in
        guard let p = buffer.baseAddress, mkdtemp(p) != nil else { return nil }
        return String(cString: p)
    }
}

private func median(_ sorted: [UInt64]) -> UInt64 {
    sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
}

/// Spawns a server, warms up with one checked call, times `repetitions` calls and reads VmHWM.
private func measureCase(_ c: FsCase, _ config: FsConfig, watchdog: Watchdog) -> FsRow {
    var row = FsRow(label: c.label, tool: c.tool, targetMs: c.targetMs, rssTargetMB: c.rssTargetMB)
    func fail(_ what: String) {
        row.errors += 1
        if row.firstError == nil { row.firstError = what }
    }
    guard let state = freshDirectory(config.stateBase) else {
        fail("cannot create a state directory under \(config.stateBase)")
        return row
    }
    var env = ProcessInfo.processInfo.environment.filter { $0.key != "XDG_STATE_HOME" }.map { "\($0.key)=\($0.value)" }
    env.append("XDG_STATE_HOME=\(state)")
    let session: FsSession
    do {
        session = FsSession(
            server: try spawnServer(argv: config.argv, env: env, stderrPath: config.stderrPath), watchdog: watchdog)
    } catch {
        fail(error.description)
        return row
    }
    defer {
        if let abnormal = session.close() { fail(abnormal) }
    }
    if let problem = session.initialize() {
        fail(problem)
        return row
    }
    var times: [UInt64] = []
    for round in 0...config.repetitions {
        guard let (ns, line) = session.call(c) else {
            fail("no answer (server went away)")
            break
        }
        if let problem = checkAnswer(line, c) {
            fail("\(problem): \(String(decoding: line.prefix(300), as: UTF8.self))")
        }
        row.responseBytes = line.count + 1
        if round > 0 { times.append(ns) }  // round 0 is the warm-up
    }
    row.peakRSSKB = peakRSSKB(pid: session.pid)
    times.sort()
    row.calls = times.count
    if let first = times.first, let last = times.last {
        row.minMs = Double(first) / 1e6
        row.medianMs = Double(median(times)) / 1e6
        row.maxMs = Double(last) / 1e6
    }
    return row
}

func measureFs(_ config: FsConfig) -> FsResult {
    var result = FsResult()
    let data = FsDataSet(base: config.data)
    FileHandle.standardError.write(Data("[bench] preparing the data set in \(config.data)\n".utf8))
    do {
        result.generationSeconds = try data.prepare()
    } catch {
        result.note = "data set: \(error.description)"
        return result
    }
    let watchdog = Watchdog(stallSeconds: config.stallSeconds)
    result.load1 = loadAverage()
    for c in fsCases(data) where config.caseFilter.map({ c.label.contains($0) }) ?? true {
        FileHandle.standardError.write(Data("[bench] measuring \(c.label)\n".utf8))
        result.rows.append(measureCase(c, config, watchdog: watchdog))
        // Right after Bastion's row, on the same tree, with the page cache as warm.
        for peer in c.peers {
            FileHandle.standardError.write(Data("[bench] measuring \(peer.label)\n".utf8))
            result.rows.append(measurePeer(peer, repetitions: config.repetitions))
        }
    }
    return result
}

private func loadAverage() -> Double? {
    guard let text = readSmallFile("/proc/loadavg"), let first = text.split(separator: " ").first else { return nil }
    return Double(first)
}

func renderFsReport(_ result: FsResult, command: String, repetitions: Int) -> String {
    func ms(_ v: Double?) -> String {
        guard let v else { return "—" }
        return v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v)
    }
    func size(_ bytes: Int?) -> String {
        guard let bytes else { return "—" }
        return bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1e6) : String(format: "%.1f kB", Double(bytes) / 1e3)
    }
    var text = "| call | min ms | median ms | max ms | target | response | peak RSS | wrong answers |\n"
    text += "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n"
    for r in result.rows {
        var target = "—"
        if let t = r.targetMs {
            let verdict = r.targetMet.map { $0 ? "met" : "NOT met" } ?? "not measured"
            target = "≤ \(ms(t)) ms: \(verdict)"
        }
        if let t = r.rssTargetMB {
            let verdict = r.rssTargetMet.map { $0 ? "met" : "NOT met" } ?? "not measured"
            target = "peak RSS ≤ \(Int(t)) MB: \(verdict)"
        }
        let rss = r.peakRSSKB.map { String(format: "%.1f MB", Double($0) * 1024 / 1e6) } ?? "—"
        text += "| \(r.label) | \(ms(r.minMs)) | \(ms(r.medianMs)) | \(ms(r.maxMs)) | \(target) | "
        text += "\(size(r.responseBytes)) | \(rss) | \(r.errors) |\n"
    }
    text += "\n`\(command)`: \(repetitions) timed call\(repetitions == 1 ? "" : "s") per row after one warm-up call, each row on a fresh "
    text += "`bastion serve` (release, static stdlib); a target is met when the max is within it. "
    if let load = result.load1 { text += "Load average (1 min) at start: \(load). " }
    if let g = result.generationSeconds { text += String(format: "Data set generated in %.1f s. ", g) }
    if let comparison = peerComparison(result.rows) { text += "\n\n" + comparison }
    for r in result.rows { if let e = r.firstError { text += "\n\nFirst wrong answer of \(r.label): \(e)" } }
    if let note = result.note { text += "\n\n\(note)" }
    return text + "\n"
}

/// Each Bastion median over its peer's from the same run, with the target where there is one.
func peerComparison(_ rows: [FsRow]) -> String? {
    var lines: [String] = []
    for ratio in fsRatios {
        guard let bastion = rows.first(where: { $0.label.hasPrefix(ratio.bastion) }),
            let peer = rows.first(where: { $0.label.hasPrefix(ratio.peer) }),
            let mine = bastion.medianMs, let theirs = peer.medianMs, bastion.errors == 0, peer.errors == 0
        else { continue }
        var line = "- \(ratio.name) (medians, `\(bastion.label)` / `\(peer.label)`): "
        line += String(format: "%.2f×", mine / theirs)
        if let target = ratio.target {
            line += " (target ≤ \(String(format: "%g", target))×: \(mine <= target * theirs ? "met" : "NOT met"))"
        }
        lines.append(line)
    }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
}
