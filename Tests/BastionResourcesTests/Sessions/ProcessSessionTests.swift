import Synchronization
import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct ProcessSessionTests {
    static func makeSession(capacity: Int = 64) throws -> ProcessSession {
        ProcessSession(
            id: "p-1",
            owner: .init(client: "c", session: "s"),
            summary: "sh",
            capacity: capacity,
            control: try #require(RunControl()),
            onEnd: { _, _ in }
        )
    }

    static func ended(_ session: ProcessSession, exitCode: Int32 = 0) {
        let policy = SandboxPolicy(executable: "/bin/sh", arguments: ["sh"], workingDirectory: "/")
        session.ended(ExecutionResult(outcome: ProcessOutcome(exitCode: exitCode), policy: policy))
    }

    @Test func aReadContinuesWhereTheLastStoppedUnlessGivenAnOffset() async throws {
        let session = try Self.makeSession()
        session.receive(.stdout, Array("one\n".utf8)[...])
        session.receive(.stderr, Array("err".utf8)[...])
        let first = await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .zero)
        #expect(first.stdout.bytes == Array("one\n".utf8) && first.stderr.bytes == Array("err".utf8))
        session.receive(.stdout, Array("two\n".utf8)[...])
        let second = await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .zero)
        #expect(second.stdout.bytes == Array("two\n".utf8) && second.stderr.bytes.isEmpty)
        let again = await session.read(stdoutOffset: 0, stderrOffset: nil, wait: .zero)
        #expect(again.stdout.bytes == Array("one\ntwo\n".utf8) && again.stdout.nextOffset == 8)
    }

    @Test func aReadWaitsForOutputThatArrivesLater() async throws {
        let session = try Self.makeSession()
        let reader = Task { await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        session.receive(.stdout, Array("late".utf8)[...])
        let reading = await reader.value
        #expect(reading.stdout.bytes == Array("late".utf8) && reading.isRunning)
    }

    @Test func aReadWithNothingNewReturnsAtItsTimeoutAndAtTheEnd() async throws {
        let session = try Self.makeSession()
        let began = ContinuousClock.now
        let empty = await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .milliseconds(100))
        #expect(empty.stdout.bytes.isEmpty && ContinuousClock.now - began >= .milliseconds(100))
        let reader = Task { await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        Self.ended(session, exitCode: 3)
        let reading = await reader.value
        #expect(!reading.isRunning && reading.outcome?.exitCode == 3)
    }

    @Test func aCancelledReadReturnsAtOnce() async throws {
        let session = try Self.makeSession()
        let reader = Task { await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        let began = ContinuousClock.now
        reader.cancel()
        _ = await reader.value
        #expect(ContinuousClock.now - began < .seconds(5))
    }

    @Test func inputIsBoundedAndRefusedOnceClosedOrEnded() throws {
        let session = try Self.makeSession()
        try session.write(Array("a".utf8), close: false)
        #expect(throws: ExecutionError.self) {
            try session.write([UInt8](repeating: 0x61, count: ProcessSession.maximumPendingInput), close: false)
        }
        #expect(session.takeInput().bytes == Array("a".utf8))
        try session.write(Array("b".utf8), close: true)
        let taken = session.takeInput()
        #expect(taken.bytes == Array("b".utf8) && taken.close)
        let closed = #expect(throws: ExecutionError.self) { try session.write([], close: false) }
        #expect(closed?.message.contains("closed") == true)
        let other = try Self.makeSession()
        Self.ended(other)
        let exited = #expect(throws: ExecutionError.self) { try other.write(Array("x".utf8), close: false) }
        #expect(exited?.message.contains("exited") == true)
    }

    @Test func killRecordsTheSignalAndAsksTheSupervisor() throws {
        let session = try Self.makeSession()
        session.kill(signal: SIGINT)
        #expect(session.killSignal == "SIGINT")
        #expect(session.control.takeSignal() == SIGINT)
        #expect(session.control.takeSignal() == 0)
    }

    @Test func theEndIsRecordedOnce() throws {
        let ends = EndCounter()
        let session = ProcessSession(
            id: "p-2",
            owner: .init(client: "c", session: "s"),
            summary: "sh",
            capacity: 8,
            control: try #require(RunControl()),
            onEnd: { _, result in ends.add(result.outcome.exitCode ?? -1) }
        )
        Self.ended(session, exitCode: 7)
        #expect(ends.values == [7])
        #expect(!session.isRunning && session.endedAt != nil)
    }
}

/// Collects end records from any thread.
final class EndCounter: Sendable {
    private let state = Mutex<[Int32]>([])
    func add(_ value: Int32) { state.withLock { $0.append(value) } }
    var values: [Int32] { state.withLock { $0 } }
}
