// Kills a server that stops answering, so that a blocking read(2) on its stdout returns EOF
// instead of hanging the benchmark forever. Costs the hot path one relaxed atomic store per answer.
import Foundation
import Synchronization

final class Watchdog: Sendable {
    /// Bumped by the driver whenever the server answers.
    private let progress = Atomic<Int>(0)
    /// The process to kill on a stall; 0 while disarmed.
    private let watched = Atomic<Int32>(0)
    private let firedFlag = Atomic<Bool>(false)
    private let stallNs: UInt64

    init(stallSeconds: Double) {
        stallNs = UInt64(stallSeconds * 1e9)
        let thread = Thread { [self] in self.run() }
        thread.start()
    }

    /// Starts watching `pid`; clears a previous firing.
    func arm(_ pid: pid_t) {
        firedFlag.store(false, ordering: .relaxed)
        progress.wrappingAdd(1, ordering: .relaxed)
        watched.store(pid, ordering: .releasing)
    }

    func disarm() {
        watched.store(0, ordering: .releasing)
    }

    /// Records that the server answered.
    @inline(__always)
    func tick() {
        progress.wrappingAdd(1, ordering: .relaxed)
    }

    /// Whether the watched server was killed for stalling since the last `arm`.
    var fired: Bool { firedFlag.load(ordering: .acquiring) }

    private func run() {
        var lastSeen = Int.min
        var lastChange = nowNs()
        while true {
            usleep(50_000)
            let pid = watched.load(ordering: .acquiring)
            let now = nowNs()
            let seen = progress.load(ordering: .relaxed)
            if pid == 0 || seen != lastSeen {
                lastSeen = seen
                lastChange = now
                continue
            }
            if now - lastChange > stallNs {
                firedFlag.store(true, ordering: .releasing)
                kill(pid, SIGKILL)
                watched.store(0, ordering: .releasing)
            }
        }
    }
}
