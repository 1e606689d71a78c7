import BastionProtocol
import Synchronization

/// A sink that keeps every message the session writes, for the checks after the input.
final class CollectingSink: MessageSink {
    private let messages = Mutex<[[UInt8]]>([])

    @discardableResult
    func send(_ message: consuming [UInt8]) -> Bool {
        let message = message
        messages.withLock { $0.append(message) }
        return true
    }

    /// Everything written so far, oldest first.
    var written: [[UInt8]] { messages.withLock { $0 } }
}

/// An observer that counts what the session reports; it keeps no reference to the session.
final class CountingObserver: SessionObserver {
    private let closings = Atomic<Int>(0)
    private let records = Atomic<Int>(0)

    func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? {
        records.add(1, ordering: .relaxed)
        return nil
    }

    func sessionClosed(_ session: MCPSession) {
        closings.add(1, ordering: .relaxed)
    }

    /// How many times ``sessionClosed(_:)`` was called.
    var closedCount: Int { closings.load(ordering: .relaxed) }
}
