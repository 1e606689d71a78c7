import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

/// The signal path itself ends the process (exit 0 after an audited stop), so it is exercised by
/// the interop suite (`test_sigterm_stops_cleanly_and_is_audited`); here, installation and removal.
struct ShutdownSignalsTests {
    private func disposition(of number: Int32) -> sighandler_t? {
        var current = sigaction()
        sigaction(number, nil, &current)
        return current.__sigaction_handler.sa_handler
    }

    @Test func installingIgnoresTheDefaultActionAndCancelRestoresIt() {
        let signals = ShutdownSignals { _ in }
        // While installed, the default (terminate) action is replaced so the handler can run.
        #expect(disposition(of: SIGTERM).map { unsafeBitCast($0, to: Int.self) } == unsafeBitCast(SIG_IGN, to: Int.self))
        #expect(disposition(of: SIGINT).map { unsafeBitCast($0, to: Int.self) } == unsafeBitCast(SIG_IGN, to: Int.self))
        signals.cancel()
        #expect(disposition(of: SIGTERM) == nil || disposition(of: SIGTERM).map { unsafeBitCast($0, to: Int.self) } == 0)
        #expect(disposition(of: SIGINT) == nil || disposition(of: SIGINT).map { unsafeBitCast($0, to: Int.self) } == 0)
    }
}
