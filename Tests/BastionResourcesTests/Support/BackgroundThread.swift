import Dispatch
import Foundation
import Synchronization

/// A value shared with threads a test starts (a `Mutex` alone cannot be captured by them).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    func update(_ change: (inout Value) -> Void) { mutex.withLock { change(&$0) } }
}

/// Runs a blocking body on a thread of its own, so a test can watch it wait (or not) without timing.
final class BackgroundThread: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let ended = Locked(false)

    init(_ body: @escaping @Sendable () -> Void) {
        Thread.detachNewThread { [done, ended] in
            body()
            ended.update { $0 = true }
            done.signal()
        }
    }

    /// Whether the body has returned.
    var hasEnded: Bool { ended.value }

    /// Waits for the body to return, at most `seconds` (a bound against a hang, not a measurement).
    @discardableResult
    func join(seconds: Double = 10) -> Bool { done.wait(timeout: .now() + seconds) == .success }
}

/// Polls `condition` until it holds, for at most `seconds`: for states another thread reaches.
func eventually(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = DispatchTime.now() + seconds
    while !condition() {
        guard DispatchTime.now() < deadline else { return false }
        usleep(1_000)
    }
    return true
}
