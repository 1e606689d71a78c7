import BastionProtocol
import BastionSystem

/// Runs a blocking loop on a dedicated OS thread and lets async code await its end.
///
/// Blocking `read(2)` on its own thread is the cheapest way to wait for stdin: no polling, no timer,
/// no cooperative-pool thread held hostage, and one wake-up per chunk of input.
enum ReaderThread {
    /// Runs `body` on a new thread and returns when it returns.
    static func run(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let started = DetachedThread.start {
                body()
                continuation.resume()
            }
            if !started {
                // No thread could be made: run inline rather than hang.
                body()
                continuation.resume()
            }
        }
    }
}
