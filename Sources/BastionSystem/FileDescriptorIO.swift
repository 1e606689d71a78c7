import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// The one loop per system call that writes a whole buffer, shared by every layer: `write(2)` for
/// stdout, the audit log, file writes and the pager; `send(2)` for sockets (syslog, the approval socket).
package enum FileDescriptorIO {
    /// What a write that must not wait did.
    package enum Attempt: Equatable, Sendable {
        /// This many bytes (at least one) were written.
        case wrote(Int)
        /// The descriptor cannot take any byte now (a full pipe or socket buffer).
        case wouldBlock
        /// The kernel or this kind of file cannot write without waiting (`EOPNOTSUPP`, `EINVAL`).
        case unsupported
        /// The write failed with this `errno`.
        case failed(Int32)
    }

    /// Whether `descriptor` is a regular file (a redirected stdout, rather than a pipe or a tty).
    package static func isRegularFile(_ descriptor: Int32) -> Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// Writes all of `bytes`, retrying after `EINTR` and short writes.
    /// - Returns: `nil`, or the `errno` of the failure (`EIO` for a write that wrote nothing).
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        // A descriptor inherited with O_NONBLOCK (a parent that set it on a shared pipe) answers
        // EAGAIN when full: wait until it can take bytes instead of taking the peer for gone.
        drain(bytes, waitingOn: descriptor) { base, count in write(descriptor, base, count) }
    }

    /// Sends all of `bytes` on a connected socket with `MSG_NOSIGNAL` (a peer that is gone is `EPIPE`,
    /// not a fatal `SIGPIPE`), retrying after `EINTR` and short sends.
    /// - Returns: `nil`, or the `errno` of the failure (`EIO` for a send that sent nothing; a timed-out
    ///   send on a socket with `SO_SNDTIMEO` is `EAGAIN`).
    package static func sendAll(_ socket: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        drain(bytes) { base, count in send(socket, base, count, Int32(MSG_NOSIGNAL)) }
    }

    /// Calls `transfer` until every byte has gone, retrying after `EINTR` (and, with `waitingOn`,
    /// after `EAGAIN` once that descriptor is writable again).
    private static func drain(
        _ bytes: UnsafeRawBufferPointer,
        waitingOn descriptor: Int32? = nil,
        _ transfer: (UnsafeRawPointer, Int) -> Int
    ) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let count = transfer(next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN, let descriptor, waitUntilWritable(descriptor) { continue }
                return errno
            }
            if count == 0 { return EIO }
            remaining -= count
            next += count
        }
        return nil
    }

    /// Blocks until `descriptor` can take bytes; `false` when poll(2) fails or the peer hung up.
    private static func waitUntilWritable(_ descriptor: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        while true {
            let ready = poll(&entry, 1, -1)
            if ready < 0, errno == EINTR { continue }
            return ready > 0 && entry.revents & Int16(POLLOUT) != 0
        }
    }

    /// Writes what the descriptor takes now, without waiting (`pwritev2` with `RWF_NOWAIT`), so a
    /// peer that stopped reading can never hold the calling thread; retries after `EINTR`.
    ///
    /// Unlike setting `O_NONBLOCK`, this changes nothing for the other holders of a shared
    /// descriptor such as an inherited stdout.
    package static func writeWithoutWaiting(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Attempt {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .wrote(0) }
        while true {
            let count = cbastion_write_nowait(descriptor, base, bytes.count)
            if count > 0 { return .wrote(count) }
            if count == 0 { return .failed(EIO) }
            switch errno {
            case EINTR: continue
            case EAGAIN: return .wouldBlock
            case EOPNOTSUPP, EINVAL: return .unsupported
            case let error: return .failed(error)
            }
        }
    }
}
