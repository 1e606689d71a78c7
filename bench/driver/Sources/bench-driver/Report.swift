// Turns result files into the one table (markdown, readable as plain text too).
import Foundation

struct Targets {
    static let p50Us = 50.0
    static let callsPerSecond = 50_000.0
    static let coldStartMs = 20.0
    static let peakRSSMB = 20.0
}

private func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    formatter.groupingSeparator = ","
    formatter.usesGroupingSeparator = true
    return formatter.string(from: NSNumber(value: value.rounded())) ?? String(Int(value.rounded()))
}

private func fixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

/// Microseconds: integers from 100 up, one decimal below.
private func micros(_ value: Double?) -> String {
    guard let value else { return "—" }
    return value >= 100 ? grouped(value) : fixed(value, 1)
}

private func megabytes(_ kB: Int?) -> String {
    guard let kB else { return "—" }
    return fixed(Double(kB) * 1024 / 1e6, 1) + " MB"
}

/// The label of a server's 2026-07-28 row.
func modernLabel(of label: String) -> String { label + " (2026-07-28)" }

func renderReport(_ results: [Measurement], targetLabel: String, command: String, note: String?) -> String {
    let header = [
        "server", "cold start p50 (p90)", "p50 µs", "p99 µs", "mean µs", "calls/s (\(results.first?.inflight ?? 32) in flight)",
        "peak RSS", "wrong answers",
    ]
    var rows: [[String]] = []
    for r in results {
        guard r.available else {
            rows.append([r.label, "not available", "—", "—", "—", "—", "—", r.errors > 0 ? "\(r.errors)" : "—"])
            continue
        }
        let cold =
            r.coldMedianMs.map { median in
                "\(fixed(median, 1)) ms (\(fixed(r.coldP90Ms ?? median, 1)))"
            } ?? "—"
        rows.append([
            r.label, cold, micros(r.p50Us), micros(r.p99Us), micros(r.meanUs),
            r.callsPerSecond.map(grouped) ?? "—", megabytes(r.peakRSSKB), "\(r.errors)",
        ])
    }
    let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
        let padded = cells.enumerated().map { c, cell in
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            return c == 0 ? cell + pad : pad + cell
        }
        return "| " + padded.joined(separator: " | ") + " |"
    }
    var out: [String] = []
    out.append(line(header))
    out.append(
        "|" + widths.enumerated().map { c, w in c == 0 ? String(repeating: "-", count: w + 2) : String(repeating: "-", count: w + 1) + ":" }
            .joined(separator: "|") + "|")
    rows.forEach { out.append(line($0)) }
    out.append("")

    // How much each number rests on, and anything that went wrong.
    for r in results {
        var parts: [String] = []
        if r.available {
            parts.append("\(r.coldRuns) cold starts, \(grouped(Double(r.warmupCalls))) warm-up + \(grouped(Double(r.seqCalls))) sequential calls")
            if let s = r.pipeSeconds { parts.append("\(grouped(Double(r.pipeCalls))) pipelined calls in \(fixed(s, 1)) s") }
            if let l = r.load1 { parts.append("load \(fixed(l, 2)) at start") }
            if r.serverMessages > 0 { parts.append("\(r.serverMessages) server-initiated messages skipped") }
        }
        if let note = r.note { parts.append(note) }
        if let e = r.firstError { parts.append("first wrong answer: \(e)") }
        out.append("- \(r.label): " + parts.joined(separator: "; "))
    }
    out.append("")

    var uts = utsname()
    uname(&uts)
    let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let date = ISO8601DateFormatter().string(from: Date())
    out.append(
        "Machine: \(ProcessInfo.processInfo.activeProcessorCount) CPUs, Linux \(release), \(date); measured over stdio with `\(command)`."
    )

    if let b = results.first(where: { $0.label == targetLabel }) {
        if b.available {
            func mark(_ ok: Bool?) -> String {
                switch ok {
                case true?: "met"
                case false?: "NOT met"
                case nil: "not measured"
                }
            }
            let wrong = b.errors > 0 ? " — but \(b.errors) wrong answers, so these numbers do not count" : ""
            // The floor of the same run tells how much of the round trip is the machine's.
            let floor = results.first { $0.label.hasPrefix("floor") && $0.available }
            let floorNote = floor?.p50Us.map { "; floor \(micros($0)) µs in this run" } ?? ""
            func value(_ text: String?, _ extra: String = "") -> String { text.map { " (\($0)\(extra))" } ?? "" }
            out.append(
                "Targets for \(targetLabel): "
                    + "p50 ≤ \(Int(Targets.p50Us)) µs: \(mark(b.p50Us.map { $0 <= Targets.p50Us }))"
                    + "\(value(b.p50Us.map { micros($0) + " µs" }, floorNote)) · "
                    + "≥ \(grouped(Targets.callsPerSecond)) calls/s: \(mark(b.callsPerSecond.map { $0 >= Targets.callsPerSecond }))"
                    + "\(value(b.callsPerSecond.map(grouped))) · "
                    + "cold start ≤ \(Int(Targets.coldStartMs)) ms: \(mark(b.coldMedianMs.map { $0 <= Targets.coldStartMs }))"
                    + "\(value(b.coldMedianMs.map { fixed($0, 1) + " ms" })) · "
                    + "peak RSS ≤ \(Int(Targets.peakRSSMB)) MB: \(mark(b.peakRSSKB.map { Double($0) * 1024 / 1e6 <= Targets.peakRSSMB }))"
                    + "\(value(b.peakRSSKB.map(megabytes)))"
                    + wrong)
        } else {
            out.append("Targets for \(targetLabel): not measured (\(b.note ?? "not available")).")
        }
    }
    // The 2026-07-28 envelope against the handshake era, same binary, same run (issue 11: ≤ 10 % of throughput).
    if let b = results.first(where: { $0.label == targetLabel && $0.available }),
        let m = results.first(where: { $0.label == modernLabel(of: targetLabel) && $0.available }),
        let handshake = b.callsPerSecond, let modern = m.callsPerSecond, handshake > 0
    {
        let share = modern / handshake
        let p50 = (m.p50Us.map(micros) ?? "—") + " µs vs " + (b.p50Us.map(micros) ?? "—") + " µs"
        out.append(
            "2026-07-28 envelope: \(grouped(modern)) calls/s = \(fixed(share * 100, 1)) % of the handshake era's "
                + "\(grouped(handshake)) in this run (target ≥ 90 %: \(share >= 0.9 ? "met" : "NOT met")); p50 \(p50).")
    }
    if let note { out.append(note) }
    return out.joined(separator: "\n") + "\n"
}
