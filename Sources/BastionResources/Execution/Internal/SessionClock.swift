import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// The clocks of process sessions: monotonic for expiry, the wall clock for what clients see.
enum SessionClock {
    /// `CLOCK_MONOTONIC` in nanoseconds.
    static func monotonicNs() -> UInt64 { ProcessSupervisor.now() }

    /// `CLOCK_REALTIME` in milliseconds since the Unix epoch.
    static func wallMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
