import Synchronization

/// A thread-safe list that async code can wait on until its contents satisfy a condition.
///
/// Waiting uses a continuation that the appender resumes (no polling), bounded by a timeout so a
/// missing element fails the test instead of hanging it.
final class Recorder<Element: Sendable>: Sendable {
    typealias Condition = @Sendable ([Element]) -> Bool

    private struct Waiter {
        var condition: Condition
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var elements: [Element] = []
        var waiters: [Int: Waiter] = [:]
        var expired: Set<Int> = []
        var nextKey = 0
    }

    private let state = Mutex(State())

    /// Everything recorded so far, oldest first.
    var elements: [Element] { state.withLock { $0.elements } }

    /// Appends `element` and wakes the waiters whose condition now holds.
    func append(_ element: Element) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.elements.append(element)
            let elements = state.elements
            let keys = state.waiters.filter { $0.value.condition(elements) }.map(\.key)
            return keys.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until `condition` holds for the recorded elements, or `timeout` passed; returns the elements.
    func wait(timeout: Duration = .seconds(10), until condition: @escaping Condition) async -> [Element] {
        let key = state.withLock { state -> Int in
            defer { state.nextKey += 1 }
            return state.nextKey
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if condition(state.elements) || state.expired.contains(key) { return true }
                        state.waiters[key] = Waiter(condition: condition, continuation: continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                let waiter = self.state.withLock { state -> Waiter? in
                    state.expired.insert(key)
                    return state.waiters.removeValue(forKey: key)
                }
                waiter?.continuation.resume()
            }
            await group.next()
            group.cancelAll()
        }
        return elements
    }

    /// Waits until at least `count` elements were recorded, or `timeout` passed; returns the elements.
    func wait(forCount count: Int, timeout: Duration = .seconds(10)) async -> [Element] {
        await wait(timeout: timeout) { $0.count >= count }
    }
}
