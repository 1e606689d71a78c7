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
/// finds a write in progress queues its message and returns; the sender doing the write drains the
/// queue afterwards, in order. Queued messages are moved, never copied: small ones are coalesced
/// into chunks of up to ``coalescedChunkBytes`` (one system call for many), a large one stays its own
/// buffer and is freed right after its write. The lock is held only to move buffers, never across a
/// system call. After the peer goes away (`EPIPE`) every later send is dropped and reported.
///
/// A peer that stops reading cannot make the server's memory grow without bound:
/// - ``waitWhileBacklogged()`` holds the transport's reader back (no new requests are read) while
///   more than ``backlogLimit`` queued bytes wait to be written — counted until written, also once
///   the writer has taken them from the queue;
/// - queued bytes are charged to an ``OutputMemoryAccount`` (the process-wide memory budget) until
///   written, so new large answers wait for them;
/// - past ``maxQueuedBytes`` queued the peer is treated as stalled: the queue is dropped and the
///   sink closes as if the peer had gone (``isPeerGone``), so the connection ends.
public final class FileDescriptorSink: MessageSink {
    private struct State {
        /// Buffers waiting for the writer, oldest first.
        var queued: [[UInt8]] = []
        var queuedBytes = 0
        /// Bytes taken from the queue by the writer and not written yet.
        var writingBytes = 0
        var isWriting = false
        var isClosed = false
        var isReaderWaiting = false

        var backlog: Int { queuedBytes + writingBytes }
    }

    /// Small messages queued behind a write are appended to a chunk of at most this many bytes.
    public static let coalescedChunkBytes = 64 << 10

    private let descriptor: Int32
    private let state = Mutex(State())
    private let drained = DispatchSemaphore(value: 0)
    private let account: (any OutputMemoryAccount)?
    /// Queued, unwritten bytes above which ``waitWhileBacklogged()`` blocks.
    public let backlogLimit: Int
    /// Queued bytes above which the peer is treated as stalled and the sink closes.
    public let maxQueuedBytes: Int

    /// Creates a sink writing to `descriptor` (not owned: never closed by the sink).
    /// - Parameters:
    ///   - descriptor: Where messages are written.
    ///   - backlogLimit: Queued, unwritten bytes above which the reader is held back (default 16 MiB).
    ///   - maxQueuedBytes: Queued bytes past which the peer is stalled and dropped (default 1 GiB).
    ///   - account: Where queued bytes are counted while they wait (default: nowhere).
    public init(
        descriptor: Int32,
        backlogLimit: Int = 16 << 20,
        maxQueuedBytes: Int = 1 << 30,
        account: (any OutputMemoryAccount)? = nil
    ) {
        self.descriptor = descriptor
        self.backlogLimit = backlogLimit
        self.maxQueuedBytes = max(backlogLimit, maxQueuedBytes)
        self.account = account
    }

    /// Blocks the calling (reader) thread while more than ``backlogLimit`` queued bytes wait to be written.
    ///
    /// Called by the transport between reads: a client that sends requests without reading the
    /// answers is slowed to its own reading speed instead of filling the server's memory.
    public func waitWhileBacklogged() {
        while state.withLock({ state -> Bool in
            guard !state.isClosed, state.backlog > backlogLimit else { return false }
            state.isReaderWaiting = true
            return true
        }) {
            drained.wait()
        }
    }

    /// Queues or writes one message followed by `\n`.
    /// - Returns: `false` when the peer is gone (or stalled) and the message was dropped.
    @discardableResult
    public func send(_ message: consuming [UInt8]) -> Bool {
        // Moved, not copied: a multi-megabyte answer exists once in memory.
        var pending = consume message
        pending.append(0x0A)
        let count = pending.count
        let chunkLimit = Self.coalescedChunkBytes
        var dropped: (bytes: Int, wakeReader: Bool)?
        let mustWrite = state.withLock { state -> Bool? in
            if state.isClosed { return nil }
            guard state.isWriting else {
                // Written at once, so not backlog: a single large answer being written must not
                // stop the reader, or a client that writes before it reads could never finish.
                state.isWriting = true
                return true
            }
            if state.queuedBytes > 0, state.queuedBytes + count > maxQueuedBytes {
                dropped = (state.queuedBytes, state.isReaderWaiting)
                Self.close(&state)
                return nil
            }
            if let last = state.queued.indices.last, state.queued[last].count + count <= chunkLimit {
                state.queued[last].append(contentsOf: pending)
            } else {
                state.queued.append(pending)
            }
            state.queuedBytes += count
            // Charged before the writer can see the bytes, so their refund never comes first.
            account?.charge(count)
            return false
        }
        if let dropped { settle(refund: dropped.bytes, wakeReader: dropped.wakeReader) }
        guard let mustWrite else { return false }
        guard mustWrite else { return true }
        return drain(startingWith: consume pending)
    }

    /// Whether a write has failed because the peer is gone, or the peer stalled past ``maxQueuedBytes``.
    public var isPeerGone: Bool { state.withLock { $0.isClosed } }

    /// Queued bytes not written yet, those the writer took from the queue included (for tests).
    var backlog: Int { state.withLock { $0.backlog } }

    /// Whether a sender is writing now (for tests).
    var isWriting: Bool { state.withLock { $0.isWriting } }

    private func drain(startingWith first: consuming [UInt8]) -> Bool {
        var batch: [[UInt8]] = [consume first]
        // The first message was written at once, never queued, so never charged.
        var isCharged = false
        while true {
            var failedAt: Int?
            for index in batch.indices {
                let written = batch[index].withUnsafeBytes { writeAll($0) }
                let count = batch[index].count
                // Freed right after its write: a huge answer does not outlive it.
                batch[index] = []
                if isCharged { account?.refund(count) }
                guard written else {
                    failedAt = index
                    break
                }
                if index < batch.count - 1 { wrote(count) }
            }
            let unwritten = failedAt.map { batch[($0 + 1)...].reduce(0) { $0 + $1.count } } ?? 0
            if isCharged, unwritten > 0 { account?.refund(unwritten) }
            batch.removeAll(keepingCapacity: true)
            let (isDone, refund, wakeReader) = state.withLock { state -> (Bool, Int, Bool) in
                if failedAt != nil {
                    let refund = state.queuedBytes
                    let wake = state.isReaderWaiting
                    Self.close(&state)
                    return (true, refund, wake)
                }
                state.writingBytes = 0
                let wake = state.isReaderWaiting && state.backlog <= backlogLimit
                if wake { state.isReaderWaiting = false }
                if state.queued.isEmpty {
                    state.isWriting = false
                    return (true, 0, wake)
                }
                swap(&batch, &state.queued)
                state.writingBytes = state.queuedBytes
                state.queuedBytes = 0
                return (false, 0, wake)
            }
            settle(refund: refund, wakeReader: wakeReader)
            if isDone { return failedAt == nil }
            isCharged = true
        }
    }

    /// Counts `count` bytes of the batch as written; wakes the reader once the backlog is under the limit.
    private func wrote(_ count: Int) {
        let wakeReader = state.withLock { state -> Bool in
            state.writingBytes -= count
            guard state.isReaderWaiting, state.backlog <= backlogLimit else { return false }
            state.isReaderWaiting = false
            return true
        }
        if wakeReader { drained.signal() }
    }

    /// Marks the sink closed and drops the queue (its bytes are refunded by the caller).
    private static func close(_ state: inout State) {
        state.isClosed = true
        state.isWriting = false
        state.isReaderWaiting = false
        state.queued = []
        state.queuedBytes = 0
        state.writingBytes = 0
    }

    private func settle(refund: Int, wakeReader: Bool) {
        if refund > 0 { account?.refund(refund) }
        if wakeReader { drained.signal() }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        FileDescriptorIO.writeAll(descriptor, bytes) == nil
    }
}
