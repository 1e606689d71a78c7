// `BastionSecurity` is not a product of the root package, but it is built as part of `Bastion`,
// so its module is importable here.
import BastionSecurity

/// Measures `PermissionManager.check` when the decision is already cached.
@inline(never)
func run(_ manager: PermissionManager, _ paths: [String], iterations: Int) -> Int {
    var allowed = 0
    for index in 0..<iterations {
        let path = paths[index & (paths.count - 1)]
        if manager.check(client: "bench", access: .read, path: path).isAllowed { allowed &+= 1 }
    }
    return allowed
}

let rules = PermissionManager.ClientRules(
    permissions: [.fileRead(glob: nil), .fileWrite(glob: nil), .systemCommand(pattern: "git")],
    deny: ["**/.ssh/**", "**/.env"],
    workdir: "/tmp/bastion-bench-workdir",
    home: "/tmp/bastion-bench-home"
)
let manager = try PermissionManager(protectedPaths: ["/tmp/bastion-bench.toml"], rules: ["bench": rules])
// 64 distinct paths, the working set of a busy session; all fit in the cache.
let paths = (0..<64).map { "src/module\($0)/File\($0).swift" }
let iterations = 1_000_000

_ = run(manager, paths, iterations: 100_000)  // warm-up: fills the cache
let clock = ContinuousClock()
var best = Duration.seconds(1_000)
for _ in 0..<5 {
    var allowed = 0
    let elapsed = clock.measure { allowed = run(manager, paths, iterations: iterations) }
    precondition(allowed == iterations, "every decision should allow")
    best = min(best, elapsed)
}
let (seconds, attoseconds) = best.components
let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
print(
    "cached permission decision: \(Int((nanoseconds / Double(iterations)).rounded())) ns/decision "
        + "(best of 5 runs of \(iterations) calls, 64 paths)"
)
