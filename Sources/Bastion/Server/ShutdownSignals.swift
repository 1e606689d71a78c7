import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM and SIGINT into a graceful shutdown instead of an abrupt exit.
///
/// An MCP client that wants a stdio server gone closes its input, waits, then sends SIGTERM
/// (lifecycle.mdx). On the signal, in-flight requests get a short grace period, the audit log
/// records why the server stopped and is flushed, and the process exits 0.
final class ShutdownSignals {
    private let sources: [any DispatchSourceSignal]

    /// Installs the handlers; `shutdown` runs once, on the first signal, with the signal's name.
    init(_ shutdown: @escaping @Sendable (String) async -> Void) {
        let queue = DispatchQueue(label: "bastion.signals")
        let once = OnceFlag()
        sources = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                guard once.claim() else { return }
                Task {
                    await shutdown(name)
                    exit(0)
                }
            }
            source.resume()
            return source
        }
    }

    /// Stops handling the signals. They stay ignored until the process exits: libdispatch restores
    /// the disposition it found (ignore) asynchronously, so resetting it here would race with it.
    func cancel() {
        for source in sources { source.cancel() }
    }
}
