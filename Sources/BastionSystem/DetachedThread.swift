#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached OS thread, for the few loops that must block (stdin, inotify) without holding
/// a cooperative-pool thread or polling on a timer. Shared by the layers above, which have no Foundation.
package enum DetachedThread {
    private final class Job: @unchecked Sendable {
        // Written once before the thread starts and read only by it: no shared mutation.
        let body: @Sendable () -> Void
        init(body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread.
    /// - Returns: `false` when no thread could be created (the body did not run).
    @discardableResult
    package static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        guard case .success(let thread) = startJoinable(body) else { return false }
        pthread_detach(thread)
        return true
    }

    /// Runs `body` on a new thread that the caller must join (`pthread_join`) or detach: the one
    /// trampoline every thread of Bastion starts through.
    /// - Returns: The thread (a `pthread_t`), or the `pthread_create` error (the body did not run).
    package static func startJoinable(_ body: @escaping @Sendable () -> Void) -> Result<UInt, CreateError> {
        var thread: pthread_t = 0
        let unmanaged = Unmanaged.passRetained(Job(body: body))
        let status = pthread_create(
            &thread,
            nil,
            { argument in
                guard let argument else { return nil }
                Unmanaged<Job>.fromOpaque(argument).takeRetainedValue().body()
                return nil
            },
            unmanaged.toOpaque()
        )
        guard status == 0 else {
            unmanaged.release()
            return .failure(CreateError(status: status))
        }
        return .success(thread)
    }

    /// Why a thread could not be created.
    package struct CreateError: Error, Sendable, Hashable {
        /// What `pthread_create` returned (an `errno` value).
        package var status: Int32
    }
}
