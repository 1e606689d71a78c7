import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Turns `SIGHUP` into a configuration reload, the way daemons are told to re-read their files.
///
/// Reloads run one at a time on a private queue, never on a request's thread; a signal that
/// arrives during a reload triggers one more afterwards (signals coalesce).
final class ReloadSignal {
    private let source: any DispatchSourceSignal

    /// Installs the handler; `reload` runs once per (coalesced) `SIGHUP`.
    init(_ reload: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "bastion.reload"))
        source.setEventHandler(handler: reload)
        source.resume()
    }

    /// Stops handling the signal; it stays ignored (see ``ShutdownSignals/cancel()``).
    func cancel() {
        source.cancel()
    }
}
