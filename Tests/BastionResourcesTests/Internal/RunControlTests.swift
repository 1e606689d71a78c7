import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct RunControlTests {
    @Test func theFirstReasonWinsAndTheWakePipeBecomesReadable() throws {
        let control = try #require(RunControl())
        #expect(control.stopReason == .none)
        control.stop(.cancel)
        control.stop(.shutdown)
        #expect(control.stopReason == .cancel)
        var byte: UInt8 = 0
        #expect(read(control.wakeRead, &byte, 1) == 1)
    }
}
