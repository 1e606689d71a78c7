import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Sends audit records to syslog from a thread of its own, so the request path only appends to a
/// bounded queue: a slow or absent receiver costs dropped messages (counted, and reported in the
/// `audit-head` messages), never a slower request.
final class AuditSyslogSender: Sendable {
    private enum Pending {
        case record(json: [UInt8], timestamp: String, sequence: Int64, hash: String, fields: AuditSyslogFields)
        case head(AuditChainHead)
    }

    private struct Queue {
        var pending: [Pending] = []
        var dropped: Int64 = 0
    }

    /// The most messages waiting; beyond, new ones are dropped.
    static let capacity = 4096
    /// How long the thread lets messages gather after a wake-up, so a busy server wakes it at most
    /// a couple of hundred times a second rather than once per record.
    static let gatherWindow = Duration.milliseconds(5)

    private let header: AuditSyslogMessage.Header
    private let queue = Mutex(Queue())
    /// Held while a batch is taken from the queue and sent, by the thread or by ``drain()``, so
    /// messages leave in queue order.
    private let connection: Mutex<AuditSyslogConnection>
    private let isStopped = Atomic<Bool>(false)
    private let thread = Mutex<AuditThread?>(nil)

    /// Creates the sender and starts its thread.
    ///
    /// - Parameters:
    ///   - configuration: The destination and facility.
    ///   - hostname: The HOSTNAME field (default: `gethostname`).
    init(configuration: AuditSyslogConfiguration, hostname: String? = nil) {
        connection = Mutex(AuditSyslogConnection(destination: configuration.destination))
        header = AuditSyslogMessage.Header(
            facility: configuration.facility,
            hostname: hostname ?? Self.hostname(),
            processID: getpid()
        )
        let started = AuditThread.start { [self] thread in run(thread) }
        thread.withLock { $0 = started }
    }

    /// Queues a record's message.
    ///
    /// - Parameters:
    ///   - line: The line as written (a leading line feed and the trailing one are left out).
    ///   - timestamp: Where `ts` is in `line`.
    ///   - sequence: The record's `seq`.
    ///   - hash: The record's `hash`.
    ///   - fields: Members for the structured data.
    func enqueue(line: [UInt8], timestamp: Range<Int>, sequence: Int64, hash: String, fields: AuditSyslogFields) {
        let start = line.first == 0x0A ? 1 : 0
        let json = Array(line[start..<(line.count - 1)])
        let stamp = String(decoding: line[timestamp], as: UTF8.self)
        push(.record(json: json, timestamp: stamp, sequence: sequence, hash: hash, fields: fields))
    }

    /// Queues an `audit-head` message.
    func enqueueHead(_ head: AuditChainHead) {
        push(.head(head))
    }

    /// Messages dropped since start.
    var droppedCount: Int64 { queue.withLock { $0.dropped } }

    /// Sends what is queued, then ends the thread.
    func stop() {
        isStopped.store(true, ordering: .releasing)
        thread.withLock { $0?.wake() }
    }

    private func push(_ message: Pending) {
        let shouldWake = queue.withLock { queue -> Bool in
            guard queue.pending.count < Self.capacity else {
                queue.dropped += 1
                return false
            }
            queue.pending.append(message)
            return queue.pending.count == 1
        }
        if shouldWake { thread.withLock { $0?.wake() } }
    }

    /// Sends what is queued now, on the calling thread (``AuditLogger/flush()``: at session end and
    /// shutdown, so the last records are not left in the queue when the process exits).
    func drain() {
        connection.withLock { connection in sendQueued(&connection) }
    }

    private func run(_ thread: AuditThread) {
        while true {
            thread.wait()
            let isLast = isStopped.load(ordering: .acquiring)
            if !isLast { AuditThread.sleep(Self.gatherWindow) }
            drain()
            if isLast { return }
        }
    }

    private func sendQueued(_ connection: inout AuditSyslogConnection) {
        let (batch, dropped) = queue.withLock { queue in
            defer { queue.pending.removeAll(keepingCapacity: true) }
            return (queue.pending, queue.dropped)
        }
        for message in batch {
            let bytes = format(message, dropped: dropped, limit: connection.limit)
            if !connection.send(bytes) { queue.withLock { $0.dropped += 1 } }
        }
    }

    private func format(_ message: Pending, dropped: Int64, limit: Int) -> [UInt8] {
        switch message {
        case .record(let json, let timestamp, let sequence, let hash, let fields):
            return AuditSyslogMessage.record(
                json: json,
                timestamp: timestamp,
                sequence: sequence,
                hash: hash,
                fields: fields,
                header: header,
                limit: limit
            )
        case .head(let head):
            return AuditSyslogMessage.head(head, dropped: dropped, timestamp: AuditTimestamp.now(), header: header)
        }
    }

    private static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "-" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
