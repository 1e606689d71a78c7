import BastionProtocol
import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

/// A detached OS thread that sleeps on a pipe until woken: the audit log's group-commit thread and
/// the syslog sender. Waking costs the request path one `write(2)`, and only when the thread has
/// nothing to do yet; an idle server never wakes it. (A pipe rather than an eventfd, which Glibc's
/// Swift module does not export; the write end is non-blocking, so a pile of wake-ups never blocks.)
final class AuditThread: Sendable {
    private let reader: Int32
    private let writer: Int32

    private init(reader: Int32, writer: Int32) {
        self.reader = reader
        self.writer = writer
    }

    deinit {
        close(reader)
        close(writer)
    }

    /// Starts `body` on a new detached thread; it receives the thread to ``wait()`` on.
    ///
    /// - Parameter body: The loop; it returns when its owner is gone.
    /// - Returns: The handle to ``wake()`` the thread, or `nil` when no thread could be made.
    static func start(_ body: @escaping @Sendable (AuditThread) -> Void) -> AuditThread? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        let handle = AuditThread(reader: ends[0], writer: ends[1])
        return DetachedThread.start { body(handle) } ? handle : nil
    }

    /// Wakes the thread (wake-ups before it waits are not lost: they stay in the pipe).
    func wake() {
        var one: UInt8 = 1
        _ = write(writer, &one, 1)
    }

    /// Blocks until ``wake()`` was called at least once since the last wait, and takes every
    /// wake-up sent so far.
    func wait() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while read(reader, &bytes, 64) < 0, errno == EINTR {}
    }

    /// Sleeps for `duration` (the group-commit window).
    static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
