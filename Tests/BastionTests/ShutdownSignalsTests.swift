import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

/// The signal path itself ends the process (exit 0 after an audited stop), so it is exercised by
/// the interop suite (`test_sigterm_stops_cleanly_and_is_audited`); here, that installing them stops them from terminating the process.
struct ShutdownSignalsTests {
    /// Whether the signal's action is the default one (terminate the process).
    private func isDefaultAction(_ number: Int32) -> Bool {
        var current = sigaction()
        sigaction(number, nil, &current)
        return current.__sigaction_handler.sa_handler == nil  // SIG_DFL is the null handler
    }

    @Test func whileInstalledTheSignalsNoLongerTerminateTheProcess() {
        let signals = ShutdownSignals { _ in }
        defer { signals.cancel() }
        // Ignored or caught by the dispatch source: either way the process is not terminated.
        #expect(!isDefaultAction(SIGTERM))
        #expect(!isDefaultAction(SIGINT))
    }
}
