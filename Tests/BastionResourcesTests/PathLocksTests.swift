import Dispatch
import Testing

@testable import BastionResources

/// Per-path serialization of file changes (Internal/PathLocks.swift). Waits are observed through
/// `waitingCount(within:)` and gates, never timed.
struct PathLocksTests {
    /// Holds `held` on a thread until the returned gate is signalled.
    private func hold(_ held: [String], in locks: PathLocks) -> (BackgroundThread, DispatchSemaphore) {
        let entered = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        let holder = BackgroundThread {
            locks.withLock(held) {
                entered.signal()
                _ = gate.wait(timeout: .now() + 10)
            }
        }
        _ = entered.wait(timeout: .now() + 10)
        return (holder, gate)
    }

    @Test(arguments: [
        (["/w/a"], ["/w/a"], true),
        (["/w"], ["/w/a/b"], true),
        (["/w/a/b"], ["/w"], true),
        (["/"], ["/w"], true),
        (["/w/a", "/w/b"], ["/w/b/c"], true),
        (["/w/a"], ["/w/b"], false),
        (["/w/a"], ["/w/ab"], false),
        (["/w/ab"], ["/w/a"], false),
        (["/w/a/x", "/w/b/y"], ["/w/c", "/w/a/z"], false),
    ])
    func aChangeWaitsOnlyForOneOnItsPathAboveOrBeneathIt(held: [String], wanted: [String], conflicts: Bool) {
        let locks = PathLocks()
        let (holder, gate) = hold(held, in: locks)
        let ran = Locked(false)
        let other = BackgroundThread { locks.withLock(wanted) { ran.update { $0 = true } } }
        if conflicts {
            #expect(eventually { locks.waitingCount(within: "/") == 1 })
            #expect(!ran.value)
            gate.signal()
            #expect(other.join())
        } else {
            // The other change ends while the first is still held: it did not wait for it.
            #expect(other.join())
            #expect(!holder.hasEnded)
            gate.signal()
        }
        #expect(holder.join())
        #expect(ran.value)
    }

    @Test func aWaitingChangeIsNotPassedByALaterOneOnItsTree() {
        let locks = PathLocks()
        let (holder, gate) = hold(["/w/a"], in: locks)
        let order = Locked<[String]>([])
        let tree = BackgroundThread { locks.withLock(["/w"]) { order.update { $0.append("tree") } } }
        #expect(eventually { locks.waitingCount(within: "/w") == 1 })
        // Free as far as holders go (/w/b is not /w/a), but behind the waiting delete of /w.
        let write = BackgroundThread { locks.withLock(["/w/b"]) { order.update { $0.append("write") } } }
        #expect(eventually { locks.waitingCount(within: "/w") == 2 })
        gate.signal()
        #expect(holder.join() && tree.join() && write.join())
        #expect(order.value == ["tree", "write"])
    }

    @Test func pairsTakenInOppositeOrdersNeverDeadlock() {
        let locks = PathLocks()
        let counter = Locked(0)
        let threads = (0..<4).map { index in
            BackgroundThread {
                let pair = index % 2 == 0 ? ["/w/x", "/w/y"] : ["/w/y", "/w/x"]
                for _ in 0..<500 { locks.withLock(pair) { counter.update { $0 += 1 } } }
            }
        }
        #expect(threads.allSatisfy { $0.join(seconds: 30) })
        #expect(counter.value == 2000)
        #expect(locks.waitingCount(within: "/") == 0)
    }

    @Test func aThrowingChangeReleasesItsPaths() {
        struct Failure: Error {}
        let locks = PathLocks()
        #expect(throws: Failure.self) { try locks.withLock(["/w/a"]) { () throws(Failure) in throw Failure() } }
        let again = BackgroundThread { locks.withLock(["/w/a"]) {} }
        #expect(again.join())
    }
}
