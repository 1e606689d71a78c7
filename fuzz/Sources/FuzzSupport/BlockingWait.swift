import Dispatch

/// Runs async work from libFuzzer's synchronous callback and returns when it is done.
///
/// libFuzzer calls the target on its own thread, never on the cooperative pool, so blocking that
/// thread on a semaphore cannot starve the tasks it waits for.
/// - Parameter body: The work.
package func blockingWait(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}
