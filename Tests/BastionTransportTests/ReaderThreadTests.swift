import Testing

@testable import BastionTransport

#if canImport(Glibc)
import Glibc
#endif

struct ReaderThreadTests {
    @Test func runsTheBodyAndReturnsAfterIt() async {
        let calls = Box(0)
        await ReaderThread.run { calls.value += 1 }
        #expect(calls.value == 1)
    }

    @Test func waitsForABodyThatBlocks() async throws {
        let pipe = try Pipe()
        let received = Box<[UInt8]>([])
        async let running: Void = ReaderThread.run { received.value = pipe.readToEnd() }
        pipe.write("hello")
        pipe.closeWrite()
        await running
        #expect(received.value == Array("hello".utf8))
    }

    @Test func theBodyRunsOnItsOwnThread() async {
        let threads = Box<[pthread_t]>([])
        await ReaderThread.run { threads.value.append(pthread_self()) }
        await ReaderThread.run { threads.value.append(pthread_self()) }
        let seen = threads.value
        #expect(seen.count == 2)
        // Detached threads may reuse an id once finished, so only compare against the caller's.
        #expect(!seen.contains { pthread_equal($0, pthread_self()) != 0 })
    }
}
