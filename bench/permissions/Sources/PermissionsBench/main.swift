// `BastionSecurity` is not a product of the root package, but it is built as part of `Bastion`,
// so its module is importable here.
import BastionSecurity
import Foundation

/// Measures `ClientContext.check` (the call path every file-system tool takes) when the decision
/// is already cached: one thread alone, then two threads at once on two different clients (which
/// must not slow each other down: ARCHITECTURE §11, no process-wide lock on a call's path), then
/// two threads on the same client for comparison.
@inline(never)
func run(_ context: ClientContext, _ paths: [String], iterations: Int) -> Int {
    var allowed = 0
    for index in 0..<iterations {
        let path = paths[index & (paths.count - 1)]
        if context.check(.read, path: path).isAllowed { allowed &+= 1 }
    }
    return allowed
}

func rules(_ id: String) -> PermissionManager.ClientRules {
    PermissionManager.ClientRules(
        permissions: [.fileRead(glob: nil), .fileWrite(glob: nil), .systemCommand(pattern: "git")],
        deny: ["**/.ssh/**", "**/.env"],
        workdir: "/tmp/bastion-bench-workdir-\(id)",
        home: "/tmp/bastion-bench-home"
    )
}

let ids = ["a", "b"]
let manager = try PermissionManager(
    protectedPaths: ["/tmp/bastion-bench.toml"],
    rules: Dictionary(uniqueKeysWithValues: ids.map { ($0, rules($0)) })
)
func context(_ id: String) -> ClientContext {
    ClientContext(
        identity: ClientIdentity(clientID: id, transport: "stdio", method: .stdioProcess),
        permissions: rules(id).permissions,
        workdir: rules(id).workdir,
        limits: ResourceLimits(),
        rules: manager
    )
}
// 64 distinct paths, the working set of a busy session; all fit in the cache.
let paths = (0..<64).map { "src/module\($0)/File\($0).swift" }
let iterations = 1_000_000
let clock = ContinuousClock()

func nanoseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
}

/// Runs one thread per context at once; returns the wall time until all are done.
func concurrently(_ contexts: [ClientContext]) -> Duration {
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for context in contexts {
        done.enter()
        Thread {
            start.wait()
            precondition(run(context, paths, iterations: iterations) == iterations, "every decision should allow")
            done.leave()
        }.start()
    }
    return clock.measure {
        for _ in contexts { start.signal() }
        done.wait()
    }
}

let a = context("a")
let b = context("b")
_ = run(a, paths, iterations: 100_000)  // warm-up: fills the caches
_ = run(b, paths, iterations: 100_000)
var single = Duration.seconds(1_000)
var distinct = Duration.seconds(1_000)
var same = Duration.seconds(1_000)
for _ in 0..<5 {
    single = min(single, concurrently([a]))
    distinct = min(distinct, concurrently([a, b]))
    same = min(same, concurrently([a, context("a")]))
}
let perCall = Int((nanoseconds(single) / Double(iterations)).rounded())
print(
    "cached permission decision: \(perCall) ns/decision "
        + "(best of 5 runs of \(iterations) calls, 64 paths)"
)
print(
    "two clients at once:        \(Int((nanoseconds(distinct) / Double(iterations)).rounded())) ns per thread's "
        + "decision (wall time / calls of one thread; \(iterations) calls each, best of 5)"
)
print(
    "one client, two threads:    \(Int((nanoseconds(same) / Double(iterations)).rounded())) ns per thread's "
        + "decision (the same client's cache is shared, so these may contend)"
)
