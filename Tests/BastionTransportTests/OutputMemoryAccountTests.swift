import Synchronization
import Testing

@testable import BastionTransport

#if canImport(Glibc)
import Glibc
#endif

/// The contract between a sink and its account: whatever is charged for queued output is refunded
/// once written, so the process-wide budget does not shrink with every slow answer.
struct OutputMemoryAccountTests {
    private final class Balance: OutputMemoryAccount {
        private let value = Mutex(0)
        func charge(_ bytes: Int) { value.withLock { $0 += bytes } }
        func refund(_ bytes: Int) { value.withLock { $0 -= bytes } }
        var current: Int { value.withLock { $0 } }
    }

    @Test func everyChargedByteIsRefundedOnceWritten() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        let balance = Balance()
        let sink = FileDescriptorSink(descriptor: writeEnd, account: balance)
        let reader = Task.detached { () -> Int in
            var total = 0
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { return total }
                total += count
            }
        }
        let senders = (0..<4).map { _ in
            Task.detached { _ = sink.send([UInt8](repeating: UInt8(ascii: "x"), count: 200_000)) }
        }
        for sender in senders { await sender.value }
        close(writeEnd)
        #expect(await reader.value == 4 * 200_001)  // each message plus its newline
        #expect(balance.current == 0)
    }
}
