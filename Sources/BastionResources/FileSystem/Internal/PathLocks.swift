import BastionSecurity
import Dispatch
import Synchronization

/// Serializes this process's changes to the file system by path: a change holds the canonical
/// paths it acts on, and two changes wait for each other only when one's path is the other's or
/// lies beneath it (bytewise, segment by segment).
///
/// So a move or a recursive delete of a directory excludes every change inside it for the time
/// between checking its entries and acting on them, and two writes to one file are ordered, while
/// changes to unrelated paths — another client's, another file's — never wait for each other,
/// whatever `fsync` or tree walk one of them is doing.
///
/// A change takes all its paths at once (a move: source and destination), so no holder ever waits
/// for more while holding some: there is no lock order to respect and no deadlock. Grants are
/// first come, first served: a waiting change is passed only by changes that conflict with
/// nothing ahead of them, so a delete of a busy tree is not starved by a stream of writes in it.
///
/// Waiting blocks the calling thread. Callers are tool handlers on the blocking executor's own
/// threads (the write tools are not `isNonBlocking`), never the cooperative pool.
package final class PathLocks: Sendable {
    private struct Claim {
        let key: Int
        let paths: [String]
        /// Signalled when a waiting claim is granted; `nil` for a claim granted on arrival.
        let granted: DispatchSemaphore?

        /// Whether one of `others` is one of these paths, lies beneath one or holds one.
        func conflicts(with others: [String]) -> Bool {
            paths.contains { path in
                others.contains { PathBytes.isWithin(path, $0) || PathBytes.isWithin($0, path) }
            }
        }
    }

    private struct State {
        var held: [Claim] = []
        var waiting: [Claim] = []
        var nextKey = 0
    }

    private let state = Mutex(State())

    /// Creates an empty table.
    package init() {}

    /// Runs `body` while holding `paths` (canonical absolute paths).
    /// - Parameters:
    ///   - paths: Every path the change acts on; a tree operation names its directory.
    ///   - body: The change.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    package func withLock<T, Failure: Error>(
        _ paths: [String],
        _ body: () throws(Failure) -> T
    ) throws(Failure) -> T {
        let key = acquire(paths)
        defer { release(key) }
        return try body()
    }

    /// How many changes wait to act on `path` or on anything beneath it (for tests: a wait is
    /// observed, not timed).
    package func waitingCount(within path: String) -> Int {
        state.withLock { state in
            state.waiting.count { claim in claim.paths.contains { PathBytes.isWithin($0, path) } }
        }
    }

    private func acquire(_ paths: [String]) -> Int {
        let (key, grant) = state.withLock { state -> (Int, DispatchSemaphore?) in
            let key = state.nextKey
            state.nextKey += 1
            guard Self.isBlocked(paths, held: state.held, ahead: state.waiting) else {
                state.held.append(Claim(key: key, paths: paths, granted: nil))
                return (key, nil)
            }
            let grant = DispatchSemaphore(value: 0)
            state.waiting.append(Claim(key: key, paths: paths, granted: grant))
            return (key, grant)
        }
        grant?.wait()
        return key
    }

    private func release(_ key: Int) {
        let granted = state.withLock { state -> [DispatchSemaphore] in
            state.held.removeAll { $0.key == key }
            var granted: [DispatchSemaphore] = []
            var stillWaiting: [Claim] = []
            for claim in state.waiting {
                if Self.isBlocked(claim.paths, held: state.held, ahead: stillWaiting) {
                    stillWaiting.append(claim)
                } else {
                    state.held.append(claim)
                    if let grant = claim.granted { granted.append(grant) }
                }
            }
            state.waiting = stillWaiting
            return granted
        }
        for grant in granted { grant.signal() }
    }

    /// Whether a change on `paths` must wait: it conflicts with a held change, or with one that
    /// waits ahead of it (first come, first served).
    private static func isBlocked(_ paths: [String], held: [Claim], ahead: [Claim]) -> Bool {
        held.contains { $0.conflicts(with: paths) } || ahead.contains { $0.conflicts(with: paths) }
    }
}
