#if canImport(Glibc)
import Glibc
#endif

/// The one loop per system call that writes a whole buffer, shared by every layer: `write(2)` for
/// stdout, the audit log, file writes and the pager; `send(2)` for sockets (syslog, the approval socket).
package enum FileDescriptorIO {
    /// Writes all of `bytes`, retrying after `EINTR` and short writes.
    /// - Returns: `nil`, or the `errno` of the failure (`EIO` for a write that wrote nothing).
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        drain(bytes) { base, count in write(descriptor, base, count) }
    }

    /// Sends all of `bytes` on a connected socket with `MSG_NOSIGNAL` (a peer that is gone is `EPIPE`,
    /// not a fatal `SIGPIPE`), retrying after `EINTR` and short sends.
    /// - Returns: `nil`, or the `errno` of the failure (`EIO` for a send that sent nothing; a timed-out
    ///   send on a socket with `SO_SNDTIMEO` is `EAGAIN`).
    package static func sendAll(_ socket: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        drain(bytes) { base, count in send(socket, base, count, Int32(MSG_NOSIGNAL)) }
    }

    /// Calls `transfer` until every byte has gone, retrying after `EINTR`.
    private static func drain(
        _ bytes: UnsafeRawBufferPointer,
        _ transfer: (UnsafeRawPointer, Int) -> Int
    ) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let count = transfer(next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if count == 0 { return EIO }
            remaining -= count
            next += count
        }
        return nil
    }
}
