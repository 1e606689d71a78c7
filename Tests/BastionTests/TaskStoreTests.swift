import BastionProtocol
import BastionSecurity
import Synchronization
import Testing

@testable import Bastion

struct TaskStoreTests {
    /// Keeps the records a session hands to its observer.
    final class Records: SessionObserver {
        let kept = Mutex<[RequestRecord]>([])
        func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? {
            kept.withLock { $0.append(record) }
            return nil
        }
    }

    private func makeContext(observer: Records = Records(), sink: RecordingSink = RecordingSink()) -> RequestContext {
        let session = SessionTestSupport.makeSession(sink: sink, observer: observer)
        SessionTestSupport.initialize(session, version: .latest)
        return RequestContext(id: .int(7), method: "tools/call", params: nil, session: session)
    }

    private let client = SessionTestSupport.makeClient()

    private func start(
        _ store: TaskStore,
        _ context: RequestContext,
        client: ClientContext? = nil,
        timeout: Duration = .seconds(30),
        work: @escaping TaskStore.Work
    ) throws -> ToolTask {
        let created = try store.start(
            ["ttl": 1000],
            params: nil,
            client: client ?? self.client,
            context: context,
            timeout: timeout,
            work: work
        )
        return try store.find(created["task"]?["taskId"], owner: ServerRuntime.owner(client ?? self.client, context))
    }

    @Test func anExtensionTaskBelongsToItsClientOnAnyConnectionAndGetsNoProgressToken() async throws {
        let store = TaskStore()
        let context = makeContext()
        let created = try store.startForExtension(
            params: ["name": "run_command", "_meta": ["progressToken": 5]],
            client: client,
            context: context,
            timeout: .seconds(5)
        ) { own in
            #expect(own.progressToken == nil && own.relatedTask == nil)
            return ["content": []]
        }
        #expect(created["resultType"] == "task" && created["status"] == "working")
        #expect(context.annotations["outcome"] == "task-created" && context.annotations["tool"] == "run_command")
        let owner = ToolTask.Owner(client: client.id, session: TaskStore.extensionSession)
        let task = try store.find(created["taskId"], owner: owner)
        #expect(task.flavor == .tasksExtension)
        // Not the session's: a 2025-11-25 lookup on the creating session does not find it.
        #expect(throws: JSONRPCError.self) {
            try store.find(created["taskId"], owner: ServerRuntime.owner(client, context))
        }
        // Nor does the connection's end stop it.
        await store.sessionEnded(context.session, client: client, wait: .milliseconds(10))
        #expect((try? store.find(created["taskId"], owner: owner)) != nil)
        _ = await task.answer()
        #expect(task.status == .completed)
    }

    @Test func anExtensionTasksChangesReachTheListensOfItsClientOnOtherConnections() async throws {
        let store = TaskStore()
        // A 2026-07-28 connection of the same client, listening: a stateless client listens in
        // another request than the one that made the task.
        let listenerSink = RecordingSink()
        let listener = SessionTestSupport.makeSession(sink: listenerSink, observer: NullObserver())
        SessionTestSupport.feed(
            listener,
            #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"#
                + #""io.modelcontextprotocol/protocolVersion":"2026-07-28","#
                + #""io.modelcontextprotocol/clientCapabilities":{}}}}"#
        )
        #expect(listener.isModern)
        let otherSink = RecordingSink()
        let otherClients = SessionTestSupport.makeSession(sink: otherSink, observer: NullObserver())
        let client = self.client
        store.setClientSessions { id in id == client.id ? [listener] : [otherClients] }
        let creatingSink = RecordingSink()
        let context = makeContext(sink: creatingSink)
        let release = Gate()
        let created = try store.startForExtension(params: nil, client: client, context: context, timeout: .seconds(10))
        { _ in
            await release.wait()
            return ["content": []]
        }
        let id = try #require(created["taskId"]?.stringValue)
        listener.beginListen(.int(2), filter: ListenFilter(taskIDs: [id]), honored: ["taskIds": [.string(id)]])
        release.open.store(true, ordering: .relaxed)
        var delivered: [JSONValue] = []
        for _ in 0..<500 where delivered.isEmpty {
            delivered = listenerSink.notifications(TasksExtension.statusNotification)
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(delivered.first?["params"]?["taskId"] == .string(id))
        #expect(delivered.first?["params"]?["status"] == "completed")
        #expect(creatingSink.notifications(TasksExtension.statusNotification).isEmpty)
        #expect(otherSink.sent.isEmpty)
    }

    @Test func aTaskWhoseCreatingAnswerIsDroppedIsCancelled() async throws {
        let store = TaskStore()
        let context = makeContext()
        let created = try store.startForExtension(params: nil, client: client, context: context, timeout: .seconds(60))
        {
            _ in
            try? await Task.sleep(for: .seconds(60))
            return ["content": []]
        }
        let owner = ToolTask.Owner(client: client.id, session: TaskStore.extensionSession)
        let task = try store.find(created["taskId"], owner: owner)
        context.answerDropped()  // what the session does when the answer is cancelled or unrecorded
        #expect(task.status == .cancelled)
        _ = await task.answer()
        #expect(!task.hasAnswer || task.status == .cancelled)
    }

    @Test func stoppingTheServerCancelsEveryTaskLeftAndWaitsForItsRecord() async throws {
        let store = TaskStore()
        let records = Records()
        let context = makeContext(observer: records)
        let created = try store.startForExtension(params: nil, client: client, context: context, timeout: .seconds(60))
        {
            _ in
            try? await Task.sleep(for: .seconds(60))
            return ["content": []]
        }
        let task = try store.find(
            created["taskId"],
            owner: ToolTask.Owner(client: client.id, session: TaskStore.extensionSession)
        )
        await store.stopAll(wait: .seconds(5))
        #expect(task.status == .cancelled)
        #expect(records.kept.withLock { $0 }.contains { $0.annotations["task"] == created["taskId"] })
        #expect(throws: JSONRPCError.self) {
            try store.find(
                created["taskId"],
                owner: ToolTask.Owner(client: self.client.id, session: TaskStore.extensionSession)
            )
        }
    }

    @Test func aTaskRunsItsWorkAndKeepsTheAnswer() async throws {
        let store = TaskStore()
        let records = Records()
        let context = makeContext(observer: records)
        let created = try store.start([:], params: nil, client: client, context: context, timeout: .seconds(5)) { own in
            #expect(own.relatedTask != nil)
            return ["content": [], "isError": false]
        }
        #expect(created["task"]?["status"] == "working")
        #expect(created["_meta"]?["io.modelcontextprotocol/model-immediate-response"] != nil)
        #expect(context.annotations["outcome"] == "task-created")
        let task = try store.find(created["task"]?["taskId"], owner: ServerRuntime.owner(client, context))
        let answer = await task.answer()
        #expect(try answer?.get() == ["content": [], "isError": false])
        #expect(task.status == .completed)
        // The run's own record, tied to the task.
        let kept = records.kept.withLock { $0 }.filter { $0.annotations["task"] != nil }
        #expect(kept.count == 1 && kept.first?.annotations["task"] == created["task"]?["taskId"])
        #expect(kept.first?.method == "tools/call" && kept.first?.outcome == .ok)
    }

    @Test func anotherClientOrSessionIsToldTheTaskDoesNotExist() throws {
        let store = TaskStore()
        let context = makeContext()
        let task = try start(store, context) { _ in [:] }
        let stranger = ToolTask.Owner(client: "other", session: context.session.id)
        let otherSession = ToolTask.Owner(client: client.id, session: "s-other")
        for owner in [stranger, otherSession] {
            #expect(throws: JSONRPCError.self) { try store.find(.string(task.id), owner: owner) }
            #expect(store.tasks(of: owner).isEmpty)
        }
    }

    @Test func runningTasksPerSessionAreCapped() throws {
        var limits = TaskStore.Limits()
        limits.maximumWorking = 2
        let store = TaskStore(limits: limits)
        let context = makeContext()
        let forever: TaskStore.Work = { _ in
            try? await Task.sleep(for: .seconds(60))
            return [:]
        }
        let first = try start(store, context, work: forever)
        let second = try start(store, context, work: forever)
        do {
            _ = try start(store, context, work: forever)
            Issue.record("a third running task was admitted")
        } catch let error as JSONRPCError {
            #expect(error.code == JSONRPCError.serverBusyCode)
        }
        try first.cancel(reason: "x")
        try second.cancel(reason: "x")
    }

    /// Work that will not stop when cancelled until the test lets it.
    private final class Gate: Sendable {
        let open = Atomic(false)
        func wait() async {
            while !open.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(5)) }
        }
    }

    @Test func aCancelledRunStillCountsUntilItHasStoppedAndIsNeverEvicted() async throws {
        var limits = TaskStore.Limits()
        limits.maximumWorking = 1
        limits.maximumRetained = 1
        let store = TaskStore(limits: limits)
        let context = makeContext()
        let gate = Gate()
        let stubborn = try start(store, context) { _ in
            await gate.wait()
            return [:]
        }
        try stubborn.cancel(reason: "stop")
        #expect(stubborn.status == .cancelled)
        // Cancelled, still running: no room for another run, and it is not dropped to make some.
        #expect(throws: JSONRPCError.self) { try store.checkRoom(owner: ServerRuntime.owner(self.client, context)) }
        #expect(throws: JSONRPCError.self) { _ = try self.start(store, context) { _ in [:] } }
        #expect(store.tasks(of: ServerRuntime.owner(client, context)).map(\.id) == [stubborn.id])
        gate.open.store(true, ordering: .relaxed)
        _ = await stubborn.answer()
        try store.checkRoom(owner: ServerRuntime.owner(client, context))
    }

    /// Stands for the memory reserved for an answer.
    private final class Reservation: Sendable {}

    @Test func aKeptAnswerKeepsWhatItsCallReservedUntilTheTaskIsDropped() async throws {
        let store = TaskStore()
        let context = makeContext()
        nonisolated(unsafe) weak var reserved: Reservation?
        let task = try start(store, context) { own in
            let reservation = Reservation()
            reserved = reservation
            own.holdUntilAnswered(reservation)
            return ["content": []]
        }
        _ = await task.answer()
        try? await Task.sleep(for: .milliseconds(50))  // the run's own context is gone by now
        #expect(reserved != nil)
        await store.sessionEnded(context.session, client: client, wait: .seconds(1))
        #expect(store.tasks(of: ServerRuntime.owner(client, context)).isEmpty)
        _ = consume task
        #expect(reserved == nil)
    }

    @Test func theOldestEndedTaskMakesRoom() async throws {
        var limits = TaskStore.Limits()
        limits.maximumRetained = 2
        let store = TaskStore(limits: limits)
        let context = makeContext()
        let first = try start(store, context) { _ in [:] }
        _ = await first.answer()
        let second = try start(store, context) { _ in [:] }
        _ = await second.answer()
        let third = try start(store, context) { _ in [:] }
        let owner = ServerRuntime.owner(client, context)
        #expect(store.tasks(of: owner).map(\.id) == [second.id, third.id])
    }

    @Test func pastItsDeadlineTheWorkIsCancelledAndMarkedTimedOut() async throws {
        let store = TaskStore()
        let context = makeContext()
        let sawTimeout = Mutex(false)
        let task = try start(store, context, timeout: .milliseconds(50)) { own in
            try? await Task.sleep(for: .seconds(30))
            sawTimeout.withLock { $0 = own.isTimedOut }
            return ["content": [], "isError": true]
        }
        let answer = await task.answer()
        #expect(try answer?.get()["isError"] == true)
        #expect(sawTimeout.withLock { $0 })
        #expect(task.status == .failed)
    }

    @Test func anEndedSessionCancelsItsTasks() async throws {
        let store = TaskStore()
        let context = makeContext()
        let task = try start(store, context) { _ in
            try? await Task.sleep(for: .seconds(60))
            return ["content": [], "isError": true]
        }
        await store.sessionEnded(context.session, client: client, wait: .seconds(5))
        #expect(task.status == .cancelled)
        #expect(store.tasks(of: ServerRuntime.owner(client, context)).isEmpty)
    }

    @Test func theTTLIsBoundedAndMalformedOnesAreRefused() throws {
        let store = TaskStore()
        let floor = client.limits.timeoutMs + store.limits.minimumTTLBeyondTimeoutMs
        #expect(try store.ttlMilliseconds(["ttl": 1], client: client) == floor)
        #expect(try store.ttlMilliseconds([:], client: client) == store.limits.defaultTTLMs)
        #expect(try store.ttlMilliseconds(["ttl": .int(1 << 40)], client: client) == store.limits.maximumTTLMs)
        for bad: JSONValue in [["ttl": -1], ["ttl": "1"], ["ttl": 1.5], [], "x"] {
            #expect(throws: JSONRPCError.self) { try store.ttlMilliseconds(bad, client: client) }
        }
    }

    @Test func idsAreUnguessable() {
        let ids = Set((0..<100).map { _ in TaskStore.makeID() })
        #expect(ids.count == 100)
        #expect(ids.allSatisfy { $0.hasPrefix("t-") && $0.utf8.count == 34 })
    }
}
