import Synchronization

@testable import BastionProtocol

/// A ``SessionObserver`` that keeps everything it is told.
final class RecordingObserver: SessionObserver {
    struct Initialization: Sendable {
        var version: ProtocolVersion
        var client: ClientInfo
    }

    private let recordRecorder = Recorder<RequestRecord>()
    private let initializationRecorder = Recorder<Initialization>()
    private let closeRecorder = Recorder<String>()

    func sessionInitialized(_ session: MCPSession, version: ProtocolVersion, client: ClientInfo) {
        initializationRecorder.append(Initialization(version: version, client: client))
    }

    func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? {
        recordRecorder.append(record)
        return nil
    }

    func sessionClosed(_ session: MCPSession) {
        closeRecorder.append(session.id)
    }

    /// Every request record so far, oldest first.
    var records: [RequestRecord] { recordRecorder.elements }
    /// Every `sessionInitialized` call so far.
    var initializations: [Initialization] { initializationRecorder.elements }
    /// The ids of the sessions whose `sessionClosed` was called.
    var closedSessions: [String] { closeRecorder.elements }

    /// Waits until `count` records arrived (or `timeout` passed) and returns all of them.
    func waitForRecords(_ count: Int, timeout: Duration = .seconds(10)) async -> [RequestRecord] {
        await recordRecorder.wait(forCount: count, timeout: timeout)
    }

    /// Waits until a record for `id` arrived (or `timeout` passed) and returns it.
    func waitForRecord(_ id: RequestID?, timeout: Duration = .seconds(10)) async -> RequestRecord? {
        let records = await recordRecorder.wait(timeout: timeout) { records in records.contains { $0.id == id } }
        return records.first { $0.id == id }
    }

    /// The records whose id is `id`.
    func records(for id: RequestID) -> [RequestRecord] {
        records.filter { $0.id == id }
    }
}
