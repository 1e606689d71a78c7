public import BastionProtocol
import BastionSystem
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes newline-terminated messages to a file descriptor, one writer at a time.
///
/// Concurrent senders never interleave and never wait on each other's `write(2)`: a sender that
/// finds a write in progress appends its message to a queue and returns; the sender doing the
/// write drains the queue afterwards, in order, coalescing queued messages into one system call.
/// The lock is held only to move bytes, never across a system call. After the peer goes away
/// (`EPIPE`) every later send is dropped and reported. A peer that stops reading cannot make the
/// queue grow without bound: ``waitWhileBacklogged()`` lets the transport stop reading new requests
/// until the queue has drained below ``backlogLimit``.
public final class FileDescriptorSink: MessageSink {
    private struct State {
        var queued: [UInt8] = []
        var isWriting = false
        var isClosed = false
        var isReaderWaiting = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    private let drained = DispatchSemaphore(value: 0)
    /// Queued bytes above which ``waitWhileBacklogged()`` blocks.
    public let backlogLimit: Int

    /// Creates a sink writing to `descriptor` (not owned: never closed by the sink).
    /// - Parameters:
    ///   - descriptor: Where messages are written.
    ///   - backlogLimit: Queued bytes above which the reader is held back (default 16 MiB).
    public init(descriptor: Int32, backlogLimit: Int = 16 << 20) {
        self.descriptor = descriptor
        self.backlogLimit = backlogLimit
    }

    /// Blocks the calling (reader) thread while more than ``backlogLimit`` bytes wait to be written.
    ///
    /// Called by the transport between reads: a client that sends requests without reading the
    /// answers is slowed to its own reading speed instead of filling the server's memory.
    public func waitWhileBacklogged() {
        while state.withLock({ state -> Bool in
            guard !state.isClosed, state.queued.count > backlogLimit else { return false }
            state.isReaderWaiting = true
            return true
        }) {
            drained.wait()
        }
    }

    /// Queues or writes one message followed by `\n`.
    /// - Returns: `false` when the peer is gone and the message was dropped.
    @discardableResult
    public func send(_ message: consuming [UInt8]) -> Bool {
        // Moved, not copied: a multi-megabyte answer (a directory tree) exists once in memory.
        var pending = consume message
        pending.append(0x0A)
        let mustWrite = state.withLock { state -> Bool? in
            if state.isClosed { return nil }
            if state.isWriting {
                state.queued.append(contentsOf: pending)
                return false
            }
            state.isWriting = true
            return true
        }
        guard let mustWrite else { return false }
        guard mustWrite else { return true }
        return drain(startingWith: consume pending)
    }

    /// Whether a write has failed because the peer is gone.
    public var isPeerGone: Bool { state.withLock { $0.isClosed } }

    /// Buffers above this capacity are released after their write rather than kept for reuse, so
    /// one huge answer does not pin its memory for the rest of the session.
    static let retainedCapacity = 1 << 20

    private func drain(startingWith first: consuming [UInt8]) -> Bool {
        var batch = consume first
        while true {
            let written = batch.withUnsafeBytes { writeAll($0) }
            if batch.capacity > Self.retainedCapacity {
                batch = []
            } else {
                batch.removeAll(keepingCapacity: true)
            }
            let (done, wakeReader) = state.withLock { state -> (Bool, Bool) in
                let wakeReader = state.isReaderWaiting
                state.isReaderWaiting = false
                if !written {
                    state.isClosed = true
                    state.isWriting = false
                    state.queued = []
                    return (true, wakeReader)
                }
                if state.queued.isEmpty {
                    state.isWriting = false
                    return (true, wakeReader)
                }
                swap(&batch, &state.queued)
                return (false, wakeReader)
            }
            // The queue was just emptied (taken or dropped): a held-back reader may go on.
            if wakeReader { drained.signal() }
            if done { return written }
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        FileDescriptorIO.writeAll(descriptor, bytes) == nil
    }
}
