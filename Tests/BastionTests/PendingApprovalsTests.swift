import Testing

@testable import Bastion

struct PendingApprovalsTests {
    @Test func anAnswerAfterTheCallSuspendedEndsTheWait() async throws {
        let pending = PendingApprovals()
        let (registered, hook) = ApprovalTestSupport.registrations()
        let request = ApprovalTestSupport.request()
        let waiter = Task { await pending.wait(for: request, timeout: .seconds(600), registered: hook) }
        var iterator = registered.makeAsyncIterator()
        let seen = try #require(await iterator.next())
        #expect(seen.id == request.id)
        #expect(pending.requests.map(\.id) == [request.id])
        #expect(pending.request(id: request.id)?.tool == "write_file")
        #expect(pending.resolve(id: request.id, with: .denied(reason: "no")))
        #expect(await waiter.value == .denied(reason: "no"))
        #expect(pending.requests.isEmpty)
    }

    @Test func anAnswerBeforeTheCallSuspendedIsKept() async {
        let pending = PendingApprovals()
        let answer = await pending.wait(for: ApprovalTestSupport.request(), timeout: .seconds(600)) { request in
            pending.resolve(id: request.id, with: .allowed)
        }
        #expect(answer == .allowed)
        #expect(pending.requests.isEmpty)
    }

    @Test func onlyTheFirstAnswerCounts() async {
        let pending = PendingApprovals()
        let outcomes = await withCheckedContinuation { (continuation: CheckedContinuation<[Bool], Never>) in
            Task {
                _ = await pending.wait(for: ApprovalTestSupport.request(), timeout: .seconds(600)) { request in
                    let first = pending.resolve(id: request.id, with: .allowed)
                    let second = pending.resolve(id: request.id, with: .denied(reason: nil))
                    continuation.resume(returning: [first, second])
                }
            }
        }
        #expect(outcomes == [true, false])
    }

    @Test func anUnknownIDIsNotResolved() {
        #expect(!PendingApprovals().resolve(id: "nope22", with: .allowed))
    }

    @Test func noAnswerWithinTheTimeoutIsATimeout() async {
        let pending = PendingApprovals()
        let answer = await pending.wait(for: ApprovalTestSupport.request(), timeout: .milliseconds(1))
        #expect(answer == .timedOut)
        #expect(pending.requests.isEmpty)
    }

    @Test func cancellingTheCallRemovesTheEntry() async throws {
        let pending = PendingApprovals()
        let (registered, hook) = ApprovalTestSupport.registrations()
        let request = ApprovalTestSupport.request()
        let waiter = Task { await pending.wait(for: request, timeout: .seconds(600), registered: hook) }
        var iterator = registered.makeAsyncIterator()
        _ = try #require(await iterator.next())
        waiter.cancel()
        #expect(await waiter.value == .cancelled)
        #expect(pending.requests.isEmpty)
        #expect(!pending.resolve(id: request.id, with: .allowed))
    }

    @Test func anAlreadyCancelledCallDoesNotWait() async {
        let pending = PendingApprovals()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await pending.wait(for: ApprovalTestSupport.request(), timeout: .seconds(600))
        }
        #expect(await waiter.value == .cancelled)
        #expect(pending.requests.isEmpty)
    }

    @Test func resolveAllEndsEveryWait() async throws {
        let pending = PendingApprovals()
        let (registered, hook) = ApprovalTestSupport.registrations()
        let waiters = (0..<3).map { _ in
            Task { await pending.wait(for: ApprovalTestSupport.request(), timeout: .seconds(600), registered: hook) }
        }
        var iterator = registered.makeAsyncIterator()
        for _ in 0..<3 { _ = try #require(await iterator.next()) }
        #expect(pending.requests.count == 3)
        pending.resolveAll(with: .denied(reason: "stopping"))
        for waiter in waiters { #expect(await waiter.value == .denied(reason: "stopping")) }
        #expect(pending.requests.isEmpty)
    }

    @Test func requestsAreListedOldestFirst() async throws {
        let pending = PendingApprovals()
        let (registered, hook) = ApprovalTestSupport.registrations()
        var iterator = registered.makeAsyncIterator()
        var ids: [String] = []
        var waiters: [Task<PendingApprovals.Answer, Never>] = []
        for _ in 0..<3 {
            let request = ApprovalTestSupport.request()
            ids.append(request.id)
            waiters.append(Task { await pending.wait(for: request, timeout: .seconds(600), registered: hook) })
            _ = try #require(await iterator.next())
        }
        #expect(pending.requests.map(\.id) == ids)
        pending.resolveAll(with: .allowed)
        for waiter in waiters { _ = await waiter.value }
    }
}
