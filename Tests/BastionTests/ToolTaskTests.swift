import BastionProtocol
import Synchronization
import Testing

@testable import Bastion

struct ToolTaskTests {
    private func makeTask(ttlMs: Int = 60_000, flavor: ToolTask.Flavor = .core) -> ToolTask {
        ToolTask(
            id: "t-1",
            owner: ToolTask.Owner(client: "c", session: "s"),
            sequence: 0,
            ttlMs: ttlMs,
            pollIntervalMs: 500,
            flavor: flavor
        )
    }

    @Test func anExtensionTaskNamesItsFieldsInMillisecondsAndInlinesItsResult() {
        let task = makeTask(flavor: .tasksExtension)
        let working = task.detailedJSON
        #expect(working["ttlMs"] == 60_000 && working["pollIntervalMs"] == 500 && working["status"] == "working")
        #expect(working["ttl"] == nil && working["result"] == nil)
        task.finish(.success(["content": [], "isError": false]))
        #expect(task.detailedJSON["status"] == "completed")
        #expect(task.detailedJSON["result"] == ["content": [], "isError": false])
    }

    @Test func underTheExtensionAnIsErrorResultCompletesAndOnlyAJSONRPCErrorFails() {
        let toolError = makeTask(flavor: .tasksExtension)
        toolError.finish(.success(["content": [["type": "text", "text": "exit 3"]], "isError": true]))
        #expect(toolError.status == .completed)
        #expect(toolError.detailedJSON["result"]?["isError"] == true)
        let failed = makeTask(flavor: .tasksExtension)
        failed.finish(.failure(.internalError("boom")))
        #expect(failed.status == .failed)
        #expect(failed.detailedJSON["error"]?["code"] == .int(Int64(JSONRPCError.internalErrorCode)))
        #expect(failed.detailedJSON["result"] == nil)
    }

    @Test func aCancelledExtensionTaskCarriesNoResult() throws {
        let task = makeTask(flavor: .tasksExtension)
        try task.cancel(reason: "stop")
        task.finish(.success(["content": []]))
        #expect(task.detailedJSON["status"] == "cancelled" && task.detailedJSON["result"] == nil)
    }

    @Test func aNewTaskIsWorkingWithEveryRequiredField() {
        let json = makeTask().json
        #expect(json["status"] == "working" && json["taskId"] == "t-1")
        #expect(json["ttl"] == 60_000 && json["pollInterval"] == 500)
        let created = json["createdAt"]?.stringValue ?? ""
        #expect(created.hasSuffix("Z") && created.utf8.count == 27)
        #expect(json["lastUpdatedAt"] == json["createdAt"])
    }

    @Test func aResultCompletesAndAnIsErrorResultFails() {
        let ok = makeTask()
        #expect(ok.finish(.success(["content": []])))
        #expect(ok.status == .completed)
        let failed = makeTask()
        #expect(
            failed.finish(.success(["content": [["type": "text", "text": "Permission denied"]], "isError": true]))
        )
        #expect(failed.status == .failed)
        #expect(failed.json["statusMessage"]?.stringValue?.contains("Permission denied") == true)
        let error = makeTask()
        error.finish(.failure(.internalError("boom")))
        #expect(error.status == .failed)
    }

    @Test func aTerminalStatusNeverChanges() throws {
        let task = makeTask()
        task.finish(.success([:]))
        #expect(!task.finish(.failure(.internalError("late"))))
        #expect(!task.awaitInput(true))
        #expect(task.status == .completed)
        #expect(throws: JSONRPCError.self) { try task.cancel(reason: "x") }
    }

    @Test func aCancelledTaskStaysCancelledWhenItsCallAnswers() async throws {
        let task = makeTask()
        try task.cancel(reason: "by request")
        #expect(!task.finish(.success(["content": []])))
        #expect(task.status == .cancelled)
        #expect(task.json["statusMessage"] == "by request")
        // The answer is still given out by tasks/result.
        let answer = await task.answer()
        #expect(try answer?.get() == ["content": []])
    }

    @Test func cancellingCancelsTheAttachedWork() async throws {
        let task = makeTask()
        let work = Task<Void, Never> {
            try? await Task.sleep(for: .seconds(60))
        }
        task.attach(work)
        try task.cancel(reason: "stop")
        await work.value
        #expect(work.isCancelled)
    }

    @Test func workAttachedAfterCancellationIsCancelledAtOnce() throws {
        let task = makeTask()
        try task.cancel(reason: "stop")
        let work = Task<Void, Never> { try? await Task.sleep(for: .seconds(60)) }
        task.attach(work)
        #expect(work.isCancelled)
    }

    @Test func inputRequiredGoesBackToWorking() {
        let task = makeTask()
        #expect(task.awaitInput(true))
        #expect(task.status == .inputRequired)
        #expect(!task.awaitInput(true))
        #expect(task.awaitInput(false))
        #expect(task.status == .working)
    }

    @Test func answerWaitsForTheEnd() async throws {
        let task = makeTask()
        async let answer = task.answer()
        try await Task.sleep(for: .milliseconds(50))
        task.finish(.success(["done": true]))
        #expect(try await answer?.get() == ["done": true])
    }

    /// The status notification is sent from `onChange`: a `tasks/result` waiter must not be
    /// answered before it (CI saw the answer overtake the notification).
    @Test func onChangeRunsBeforeAnyWaiterIsWoken() async throws {
        let task = makeTask()
        let order = OrderLog()
        let waiter = Task {
            _ = await task.answer()
            order.append("answer")
        }
        try await Task.sleep(for: .milliseconds(50))
        task.finish(.success([:])) { order.append("changed") }
        await waiter.value
        #expect(order.entries == ["changed", "answer"])
        var calls = 0
        task.finish(.success([:])) { calls += 1 }
        #expect(calls == 0)
    }

    @Test func aCancelledWaiterGetsNoAnswer() async {
        let task = makeTask()
        let waiter = Task { await task.answer() }
        waiter.cancel()
        #expect(await waiter.value == nil)
    }

    @Test func anEndedTaskExpiresAfterItsTTLOnly() async throws {
        let task = makeTask(ttlMs: 10)
        #expect(!task.isExpired(at: .now + .seconds(1)))  // still running: kept
        task.finish(.success([:]))
        #expect(!task.isExpired(at: task.created))
        #expect(task.isExpired(at: task.created + .milliseconds(10)))
    }

    @Test func theStatusMessageOfAFailureIsBounded() {
        let long = String(repeating: "é", count: 500)
        let summary = ToolTask.summary(of: ["content": [["type": "text", "text": .string(long)]]])
        #expect(summary.utf8.count <= 204 && summary.hasSuffix("…"))
    }
}

/// What happened, in order, from any thread.
private final class OrderLog: Sendable {
    private let lock = Mutex<[String]>([])
    func append(_ entry: String) { lock.withLock { $0.append(entry) } }
    var entries: [String] { lock.withLock { $0 } }
}
