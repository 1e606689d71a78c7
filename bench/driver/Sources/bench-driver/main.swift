// bench-driver measure [options] -- command args...   → one server's numbers as JSON (--out or stdout)
// bench-driver unavailable --label NAME --note WHY [--out FILE]  → a result saying the server is missing
// bench-driver report [--target LABEL] [--command TEXT] [--note TEXT] [--out FILE] result.json...  → the table
// bench-driver fs --data DIR [options] -- bastion serve ...  → the file-system table (see FsBench.swift)
import Foundation

func usage() -> Never {
    let text = """
        usage: bench-driver measure --label NAME [--out FILE] [--stderr FILE] [--fresh-dir VAR=BASE]
                   [--cold N] [--warmup N] [--seq N] [--seq-seconds S] [--pipe N] [--pipe-seconds S]
                   [--inflight N] [--stall-seconds S] [--era handshake|modern] -- COMMAND [ARGS...]
               bench-driver unavailable --label NAME --note WHY [--out FILE]
               bench-driver report [--target LABEL] [--command TEXT] [--note TEXT] [--out FILE] RESULT.json...
               bench-driver fs [--data DIR] [--state-base DIR] [--stderr FILE] [--reps N] [--out FILE.json]
                   [--table FILE.md] [--command TEXT] [--case TEXT] -- BASTION serve [ARGS...]
                   (the data set's path is appended to ARGS; --data-only 1 generates it and exits)

        """
    FileHandle.standardError.write(Data(text.utf8))
    exit(2)
}

func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-driver: \(message)\n".utf8))
    exit(2)
}

/// Reads `--flag value` pairs until `--` or a non-flag; returns them and the rest.
func parseFlags(_ args: ArraySlice<String>) -> ([String: String], [String]) {
    var flags: [String: String] = [:]
    var rest = args
    while let first = rest.first, first.hasPrefix("--") {
        rest = rest.dropFirst()
        if first == "--" { break }
        guard let value = rest.first else { die("\(first) needs a value") }
        flags[String(first.dropFirst(2))] = value
        rest = rest.dropFirst()
    }
    return (flags, Array(rest))
}

func number<T: LosslessStringConvertible>(_ flags: [String: String], _ name: String, _ fallback: T) -> T {
    guard let text = flags[name] else { return fallback }
    guard let value = T(text) else { die("--\(name): not a number: \(text)") }
    return value
}

func write(_ text: String, to path: String?) {
    guard let path else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        die("cannot write \(path): \(error)")
    }
}

func save(_ result: Measurement, to path: String?) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        let data = try encoder.encode(result)
        write(String(decoding: data, as: UTF8.self) + "\n", to: path)
    } catch {
        die("cannot encode the result: \(error)")
    }
}

signal(SIGPIPE, SIG_IGN)
let arguments = CommandLine.arguments.dropFirst()
guard let command = arguments.first else { usage() }
let (flags, rest) = parseFlags(arguments.dropFirst())

switch command {
case "measure":
    var config = MeasureConfig()
    config.label = flags["label"] ?? "server"
    config.argv = rest
    guard !config.argv.isEmpty else { usage() }
    config.stderrPath = flags["stderr"] ?? "/dev/null"
    if let spec = flags["fresh-dir"] {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { die("--fresh-dir wants VAR=BASE") }
        config.freshDirVariable = parts[0]
        config.freshDirBase = parts[1]
    }
    config.coldRuns = number(flags, "cold", config.coldRuns)
    config.warmup = number(flags, "warmup", config.warmup)
    config.seqCalls = number(flags, "seq", config.seqCalls)
    config.seqSeconds = number(flags, "seq-seconds", config.seqSeconds)
    config.pipeCalls = number(flags, "pipe", config.pipeCalls)
    config.pipeSeconds = number(flags, "pipe-seconds", config.pipeSeconds)
    config.inflight = number(flags, "inflight", config.inflight)
    config.stallSeconds = number(flags, "stall-seconds", config.stallSeconds)
    switch flags["era"] ?? "handshake" {
    case "handshake": config.modern = false
    case "modern": config.modern = true
    default: die("--era wants handshake or modern")
    }
    guard config.coldRuns >= 1, config.inflight >= 1, config.inflight <= 256 else { die("bad counts") }
    save(measure(config), to: flags["out"])
case "unavailable":
    var result = Measurement(label: flags["label"] ?? "server")
    result.note = flags["note"] ?? "not available"
    save(result, to: flags["out"])
case "report":
    var results: [Measurement] = []
    for path in rest {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            results.append(try JSONDecoder().decode(Measurement.self, from: data))
        } catch {
            die("cannot read \(path): \(error)")
        }
    }
    let text = renderReport(
        results, targetLabel: flags["target"] ?? "bastion", command: flags["command"] ?? "bench/run",
        note: flags["note"])
    FileHandle.standardOutput.write(Data(text.utf8))
    if let out = flags["out"] { write(text, to: out) }
case "fs":
    var config = FsConfig()
    config.data = flags["data"] ?? config.data
    if flags["data-only"] != nil {
        do {
            _ = try FsDataSet(base: config.data).prepare()
        } catch {
            die("data set: \(error.description)")
        }
        exit(0)
    }
    guard !rest.isEmpty else { usage() }
    config.argv = rest + [config.data]
    config.stateBase = flags["state-base"] ?? config.stateBase
    config.stderrPath = flags["stderr"] ?? config.stderrPath
    config.repetitions = number(flags, "reps", config.repetitions)
    config.caseFilter = flags["case"]
    guard config.repetitions >= 1 else { die("--reps must be at least 1") }
    let result = measureFs(config)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    if let out = flags["out"], let data = try? encoder.encode(result) {
        write(String(decoding: data, as: UTF8.self) + "\n", to: out)
    }
    let text = renderFsReport(result, command: flags["command"] ?? "bench/run --only fs", repetitions: config.repetitions)
    FileHandle.standardOutput.write(Data(text.utf8))
    if let table = flags["table"] { write(text, to: table) }
    if result.rows.isEmpty || result.rows.contains(where: { $0.errors > 0 }) { exit(1) }
default:
    usage()
}
