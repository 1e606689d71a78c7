public import BastionProtocol
import BastionSystem
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes newline-terminated messages to a file descriptor, one writer at a time, and never makes
/// its caller wait for the peer.
///
/// Concurrent senders never interleave and never wait on each other's `write(2)`: a sender that
/// finds a write in progress queues its message and returns; the sender doing the write drains the
/// queue afterwards, in order. Queued messages are moved, never copied: small ones are coalesced
/// into chunks of up to ``coalescedChunkBytes`` (one system call for many), a large one stays its own
/// buffer and is freed right after its write. The lock is held only to move buffers, never across a
/// system call. After the peer goes away (`EPIPE`) every later send is dropped and reported.
///
/// The sender writes without waiting (`RWF_NOWAIT`): senders are handlers on the cooperative pool,
/// and a peer that stops reading must not take that pool's threads (nor hang shutdown). When the
/// descriptor is full, the rest of the drain is handed to a writer thread of its own, which waits
/// for the peer and exits once the queue is empty; later sends queue behind it. Where the kernel
/// cannot write without waiting, every drain goes to that thread, except on a regular file, which
/// never waits for a reader.
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

    /// The drain waiting for the writer thread, and whether that thread is alive.
    private struct Handoff {
        var pending: Drain?
        var isThreadAlive = false

        mutating func takePending() -> Drain? {
            defer { pending = nil }
            return pending
        }
    }

    /// How long the writer thread waits for another hand-off before it exits.
    static let writerLinger: DispatchTimeInterval = .milliseconds(250)

    /// Small messages queued behind a write are appended to a chunk of at most this many bytes.
    public static let coalescedChunkBytes = 64 << 10

    private let descriptor: Int32
    private let state = Mutex(State())
    private let drained = DispatchSemaphore(value: 0)
    private let handoff = Mutex(Handoff())
    /// Wakes the lingering writer thread for a new hand-off.
    private let handoffReady = DispatchSemaphore(value: 0)
    private let account: (any OutputMemoryAccount)?
    /// Cleared once the kernel refused a write without waiting (older kernels, terminals).
    private let writesWithoutWaiting = Atomic<Bool>(true)
    private let isRegularFile: Bool
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
        // In BastionSystem: NIOHTTPTypesHTTP1 brings Foundation into this module, whose
        // CoreFoundation would take over Glibc's `stat`.
        isRegularFile = FileDescriptorIO.isRegularFile(descriptor)
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

    /// Waits until everything sent is written (a writer thread may still be waiting for the peer),
    /// the peer is gone, or `timeout` has passed: the end of a connection, so that its last answers
    /// are not lost when the process exits.
    /// - Returns: Whether nothing is left to write.
    @discardableResult
    public func waitUntilWritten(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.isWriting && !$0.isClosed }) {
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Whether a write has failed because the peer is gone, or the peer stalled past ``maxQueuedBytes``.
    public var isPeerGone: Bool { state.withLock { $0.isClosed } }

    /// Queued bytes not written yet, those the writer took from the queue included (for tests).
    var backlog: Int { state.withLock { $0.backlog } }

    /// Whether a sender is writing now (for tests).
    var isWriting: Bool { state.withLock { $0.isWriting } }

    /// A drain in progress: the batch being written, how far it got, and whether its bytes are
    /// charged to the account (the first message of a drain was written at once, never queued).
    private struct Drain: Sendable {
        var batch: [[UInt8]]
        var index = 0
        var offset = 0
        var isCharged: Bool
    }

    /// Where a drain stopped.
    private enum Stop {
        /// Everything queued is written (`true`), or the peer is gone and the queue dropped (`false`).
        case finished(Bool)
        /// The descriptor is full; the drain must go on where waiting is allowed.
        case wouldBlock
    }

    private func drain(startingWith first: consuming [UInt8]) -> Bool {
        var drain = Drain(batch: [consume first], isCharged: false)
        if !writesWithoutWaiting.load(ordering: .relaxed), !isRegularFile {
            handOff(drain)
            return true
        }
        // A regular file never waits for a reader: where writes cannot be tried, it is written here.
        switch run(&drain, waiting: !writesWithoutWaiting.load(ordering: .relaxed)) {
        case .finished(let isWritten): return isWritten
        case .wouldBlock:
            handOff(drain)
            return true
        }
    }

    /// Gives the rest of a drain to the writer thread, starting one if none is waiting for work;
    /// writes it here (waiting) only when no thread can be made.
    ///
    /// A drain's first message was never queued, so never charged; from here on it waits for the
    /// peer after its sender has returned — and its sender's memory reservation is released then —
    /// so it is charged now, until written: a 60 MiB answer sitting in the writer must keep the next
    /// one waiting for budget.
    private func handOff(_ drain: Drain) {
        var drain = drain
        if !drain.isCharged, drain.index < drain.batch.count {
            account?.charge(drain.batch[drain.index].count)
            drain.isCharged = true
        }
        let mustStart = handoff.withLock { handoff -> Bool in
            handoff.pending = drain
            if handoff.isThreadAlive { return false }
            handoff.isThreadAlive = true
            return true
        }
        guard mustStart else {
            handoffReady.signal()
            return
        }
        let started = DetachedThread.start { [self] in writerLoop() }
        if !started {
            handoff.withLock { $0.isThreadAlive = false }
            guard var drain = handoff.withLock({ $0.takePending() }) else { return }
            _ = run(&drain, waiting: true)
        }
    }

    /// The writer thread: writes every drain handed to it, waiting for the peer, and lingers a
    /// little for the next one — a client reading slowly fills the descriptor again and again, and
    /// a thread per hand-off would cost more than the write — then exits.
    private func writerLoop() {
        while true {
            while var drain = handoff.withLock({ $0.takePending() }) {
                _ = run(&drain, waiting: true)
            }
            let isSignalled = handoffReady.wait(timeout: .now() + Self.writerLinger) == .success
            if isSignalled { continue }
            let exits = handoff.withLock { handoff -> Bool in
                guard handoff.pending == nil else { return false }
                handoff.isThreadAlive = false
                return true
            }
            if exits { return }
        }
    }

    /// Writes the drain's batch, then whatever was queued meanwhile, until the queue is empty.
    /// Without `waiting`, stops at the first byte the descriptor cannot take (`.wouldBlock`).
    private func run(_ drain: inout Drain, waiting: Bool) -> Stop {
        while true {
            while drain.index < drain.batch.count {
                let count = drain.batch[drain.index].count
                let offset = drain.offset
                let attempt = drain.batch[drain.index].withUnsafeBytes { bytes in
                    write(UnsafeRawBufferPointer(rebasing: bytes[offset...]), waiting: waiting)
                }
                switch attempt {
                case .wrote(let written):
                    drain.offset += written
                    if drain.offset < count { continue }
                case .wouldBlock, .unsupported:
                    return .wouldBlock
                case .failed:
                    fail(drain)
                    return .finished(false)
                }
                // Freed right after its write: a huge answer does not outlive it.
                drain.batch[drain.index] = []
                drain.offset = 0
                if drain.isCharged { account?.refund(count) }
                if drain.index < drain.batch.count - 1 { wrote(count) }
                drain.index += 1
            }
            var next: [[UInt8]] = []
            let (isDone, wakeReader) = state.withLock { state -> (Bool, Bool) in
                state.writingBytes = 0
                let wake = state.isReaderWaiting && state.backlog <= backlogLimit
                if wake { state.isReaderWaiting = false }
                if state.queued.isEmpty {
                    state.isWriting = false
                    return (true, wake)
                }
                swap(&next, &state.queued)
                state.writingBytes = state.queuedBytes
                state.queuedBytes = 0
                return (false, wake)
            }
            settle(refund: 0, wakeReader: wakeReader)
            if isDone { return .finished(true) }
            drain = Drain(batch: next, isCharged: true)
        }
    }

    /// The peer is gone: refunds what the drain and the queue still held, and closes the sink.
    private func fail(_ drain: Drain) {
        if drain.isCharged {
            let unwritten = drain.batch[drain.index...].reduce(0) { $0 + $1.count }
            if unwritten > 0 { account?.refund(unwritten) }
        }
        let (refund, wakeReader) = state.withLock { state -> (Int, Bool) in
            let refund = state.queuedBytes
            let wake = state.isReaderWaiting
            Self.close(&state)
            return (refund, wake)
        }
        settle(refund: refund, wakeReader: wakeReader)
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

    /// Writes some of `bytes`: all of them, waiting for the peer, when `waiting`; otherwise what
    /// the descriptor takes now.
    private func write(_ bytes: UnsafeRawBufferPointer, waiting: Bool) -> FileDescriptorIO.Attempt {
        if waiting {
            if let error = FileDescriptorIO.writeAll(descriptor, bytes) { return .failed(error) }
            return .wrote(bytes.count)
        }
        let attempt = FileDescriptorIO.writeWithoutWaiting(descriptor, bytes)
        if attempt == .unsupported { writesWithoutWaiting.store(false, ordering: .relaxed) }
        return attempt
    }
}
