#if canImport(Glibc)
import Glibc
#endif

/// Runs a blocking loop on a dedicated OS thread and lets async code await its end.
///
/// Blocking `read(2)` on its own thread is the cheapest way to wait for stdin: no polling, no timer,
/// no cooperative-pool thread held hostage, and one wake-up per chunk of input.
enum ReaderThread {
    private final class Job: @unchecked Sendable {
        // Written once before the thread starts and read only by it: no shared mutation.
        let body: @Sendable () -> Void
        init(body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body` on a new thread and returns when it returns.
    static func run(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let job = Job {
                body()
                continuation.resume()
            }
            var thread: pthread_t = 0
            let unmanaged = Unmanaged.passRetained(job)
            let status = pthread_create(
                &thread,
                nil,
                { argument in
                    guard let argument else { return nil }
                    let job = Unmanaged<Job>.fromOpaque(argument).takeRetainedValue()
                    job.body()
                    return nil
                },
                unmanaged.toOpaque()
            )
            if status != 0 {
                // No thread could be made: run inline rather than hang.
                unmanaged.release()
                job.body()
            } else {
                pthread_detach(thread)
            }
        }
    }
}
