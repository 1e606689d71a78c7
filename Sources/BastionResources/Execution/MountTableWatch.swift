import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Counts changes of the server's mount table: `poll(2)` on `/proc/self/mountinfo` reports one
/// (`POLLPRI`) once per change since the last poll. A `sandbox-exec` prepared ahead holds the mounts
/// of park time below its binds, so a volume unmounted on the host since (or a mount made over a
/// bound path) would still be what its run sees; a run whose parked process was prepared in
/// another generation starts cold (review 12, finding 2).
final class MountTableWatch: Sendable {
    private struct State {
        var descriptor: Int32
        var generation: UInt64 = 0
    }

    private let state: Mutex<State>

    init() {
        state = Mutex(State(descriptor: open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)))
        _ = generation()
    }

    deinit {
        state.withLock { if $0.descriptor >= 0 { close($0.descriptor) } }
    }

    /// The generation now: one more than before when the table changed since the last call, and
    /// a new one at every call when the table cannot be watched (nothing prepared is then used).
    func generation() -> UInt64 {
        state.withLock { state in
            guard state.descriptor >= 0 else {
                state.generation &+= 1
                return state.generation
            }
            var watched = pollfd(fd: state.descriptor, events: Int16(POLLPRI), revents: 0)
            if poll(&watched, 1, 0) != 0 { state.generation &+= 1 }
            return state.generation
        }
    }
}
