import CBastionLinux
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How one run is asked to stop early, from any thread: the reason is recorded once and the
/// supervisor's poll loop is woken through a pipe.
final class RunControl: Sendable {
    /// Why a run stops before it ends by itself.
    enum StopReason: UInt8, Sendable {
        case none = 0
        /// The caller cancelled the request: killed at once.
        case cancel = 1
        /// The server is stopping: killed at once.
        case shutdown = 2
    }

    /// The read end the supervisor polls; the write end wakes it.
    let wakeRead: Int32
    private let wakeWrite: Int32
    private let reason = Atomic<UInt8>(0)
    /// A signal a caller asked for (`kill_process`), taken by the supervisor; 0 when none.
    private let requestedSignal = Atomic<Int32>(0)

    /// Creates a control; `nil` when no pipe could be made.
    init?() {
        var ends: [Int32] = [-1, -1]
        guard cbastion_pipe(&ends, 1) == 0 else { return nil }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Asks the run to stop; the first reason wins.
    func stop(_ why: StopReason) {
        _ = reason.compareExchange(expected: 0, desired: why.rawValue, ordering: .acquiringAndReleasing)
        wake()
    }

    /// Asks the run to send `signal` to its whole process group, then to kill what is left of it
    /// after the grace period (`SIGKILL`: at once). A later request replaces an untaken one.
    func signal(_ signal: Int32) {
        requestedSignal.store(signal, ordering: .releasing)
        wake()
    }

    /// The signal asked for since the last call, or 0.
    func takeSignal() -> Int32 { requestedSignal.exchange(0, ordering: .acquiringAndReleasing) }

    /// Wakes the supervisor's loop (new input to write, a signal to send).
    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // a full pipe already wakes the loop
    }

    /// The reason recorded, `.none` while none was.
    var stopReason: StopReason { StopReason(rawValue: reason.load(ordering: .acquiring)) ?? .none }
}
