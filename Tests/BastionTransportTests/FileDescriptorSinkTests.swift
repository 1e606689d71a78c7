import BastionProtocol
import Synchronization
import Testing

@testable import BastionTransport

#if canImport(Glibc)
import Glibc
#endif

struct FileDescriptorSinkTests {
    @Test func eachMessageIsWrittenWithANewline() throws {
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd)
        #expect(sink.send(Array(#"{"a":1}"#.utf8)))
        #expect(sink.send(Array("{}".utf8)))
        pipe.closeWrite()
        #expect(String(decoding: pipe.readToEnd(), as: UTF8.self) == "{\"a\":1}\n{}\n")
        #expect(!sink.isPeerGone)
    }

    @Test func concurrentSendsNeverInterleave() async throws {
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd)
        // Larger than PIPE_BUF (4 KiB), so a single write(2) could be split and interleaved.
        let padding = 20_000
        let count = 64
        let lines = Box<[String]>([])
        let started = AsyncSignal()
        async let reading: Void = ReaderThread.run {
            started.fire()
            lines.value = pipe.readLines()
        }
        // The writers below may block in write(2) on the cooperative pool until the reader drains
        // the pipe, so the reader's own thread must be running first.
        await started.wait()
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<count {
                group.addTask {
                    let letter = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index % 26)))
                    let message: JSONValue = [
                        "n": .int(Int64(index)), "pad": .string(String(repeating: letter, count: padding)),
                    ]
                    return sink.send(JSONWriter.encode(message))
                }
            }
            for await isSent in group { #expect(isSent) }
        }
        // A send returns once the rest is handed to the writer thread: wait for it before closing.
        #expect(await sink.waitUntilWritten(timeout: .seconds(30)))
        pipe.closeWrite()
        await reading
        let received = lines.value
        #expect(received.count == count)
        var seen: Set<Int64> = []
        for line in received {
            let message = try JSONParser.parse(line)
            let index = try #require(message["n"]?.intValue)
            let letter = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index % 26)))
            #expect(message["pad"]?.stringValue == String(repeating: letter, count: padding))
            seen.insert(index)
        }
        #expect(seen == Set(0..<Int64(count)))
    }

    @Test func afterThePeerIsGoneSendsFailAndAreReported() throws {
        signal(SIGPIPE, SIG_IGN)
        let pipe = try Pipe()
        pipe.closeRead()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd)
        #expect(!sink.isPeerGone)
        #expect(!sink.send(Array("{}".utf8)))
        #expect(sink.isPeerGone)
        #expect(!sink.send(Array("{}".utf8)))
    }

    @Test func aBadDescriptorFailsTheSend() {
        let sink = FileDescriptorSink(descriptor: -1)
        #expect(!sink.send(Array("{}".utf8)))
        #expect(sink.isPeerGone)
    }

    @Test func theSinkDoesNotCloseItsDescriptor() throws {
        let pipe = try Pipe()
        do {
            let sink = FileDescriptorSink(descriptor: pipe.writeEnd)
            sink.send(Array("x".utf8))
        }
        #expect(fcntl(pipe.writeEnd, F_GETFD) != -1)
        pipe.write("y\n")
        pipe.closeWrite()
        #expect(String(decoding: pipe.readToEnd(), as: UTF8.self) == "x\ny\n")
    }

    @Test func waitingWithNothingQueuedReturnsAtOnce() throws {
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd, backlogLimit: 16)
        sink.waitWhileBacklogged()
        #expect(sink.send(Array("{}".utf8)))
    }

    @Test func aBackloggedReaderGoesOnOnceThePeerHasReadEverything() async throws {
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd, backlogLimit: 1024)
        // One message larger than the pipe's buffer keeps its writer busy until the test reads;
        // the small ones sent meanwhile queue up past the limit.
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 256 << 10)
        let small = [UInt8](repeating: UInt8(ascii: "b"), count: 100)
        let expected = big.count + 1 + 50 * (small.count + 1)
        async let writers: Void = ReaderThread.run {
            sink.send(big)
            for _ in 0..<50 { sink.send(small) }
        }
        async let reader: Void = ReaderThread.run { sink.waitWhileBacklogged() }
        let received = Mutex<[UInt8]>([])
        // Read on a thread of its own: a blocking read must not hold a cooperative-pool thread.
        await ReaderThread.run { received.withLock { $0 = pipe.readExactly(expected) } }
        await writers
        await reader
        let bytes = received.withLock { $0 }
        #expect(bytes.count == expected)
        #expect(bytes.prefix(big.count).allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(bytes.last == 0x0A)
    }

    /// Yields until `condition` holds (another thread changes it); fails after many rounds.
    private func eventually(_ condition: () -> Bool) async throws {
        var rounds = 0
        while !condition(), rounds < 1_000_000 {
            await Task.yield()
            rounds += 1
        }
        try #require(condition())
    }

    @Test func queuedBytesAreChargedUntilWrittenAndSmallOnesShareChunks() async throws {
        let pipe = try Pipe()
        let account = RecordingAccount()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd, account: account)
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 256 << 10)
        let small = [UInt8](repeating: UInt8(ascii: "b"), count: 100)
        // The pipe holds 64 KiB: the sender writes what fits and returns; the rest of the big message
        // waits in the writer thread, charged (its sender's reservation is gone by then) but not
        // backlog (it must not hold the reader back).
        await ReaderThread.run { sink.send(big) }
        #expect(sink.isWriting)
        #expect(account.balance == big.count + 1)
        #expect(sink.backlog == 0)
        for _ in 0..<50 { sink.send(small) }
        #expect(account.balance == big.count + 1 + 50 * 101)
        #expect(account.charges == 51)
        #expect(sink.backlog == 50 * 101)
        let expected = big.count + 1 + 50 * 101
        let received = Mutex(0)
        await ReaderThread.run { received.withLock { $0 = pipe.readExactly(expected).count } }
        try await eventually { !sink.isWriting }
        #expect(received.withLock { $0 } == expected)
        #expect(account.balance == 0)
        #expect(sink.backlog == 0)
    }

    @Test func aPeerThatStallsPastTheQueueLimitIsDropped() async throws {
        signal(SIGPIPE, SIG_IGN)
        let pipe = try Pipe()
        let account = RecordingAccount()
        let sink = FileDescriptorSink(
            descriptor: pipe.writeEnd,
            backlogLimit: 1_000,
            maxQueuedBytes: 10_000,
            account: account
        )
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 256 << 10)
        async let writer: Void = ReaderThread.run { sink.send(big) }
        try await eventually { sink.isWriting }
        var accepted = 0
        while sink.send([UInt8](repeating: UInt8(ascii: "b"), count: 999)) { accepted += 1 }
        #expect(accepted == 10)
        #expect(sink.isPeerGone)
        #expect(!sink.send(Array("{}".utf8)))
        // The queue was dropped and refunded; the reader would no longer wait. The big message is
        // still in the writer thread, charged until the write fails.
        #expect(account.balance == big.count + 1)
        sink.waitWhileBacklogged()
        pipe.closeRead()
        await writer
        try await eventually { account.balance == 0 }
    }

    @Test func oneLargeAnswerBeingWrittenDoesNotHoldTheReader() async throws {
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd, backlogLimit: 1_024)
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 256 << 10)
        async let writer: Void = ReaderThread.run { sink.send(big) }
        try await eventually { sink.isWriting }
        // A client may still be writing requests before it reads: reading them must go on.
        sink.waitWhileBacklogged()
        await ReaderThread.run { _ = pipe.readExactly(big.count + 1) }
        await writer
    }

    @Test func queuedBytesCountUntilWrittenEvenOnceTheWriterHasTakenThem() async throws {
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd, backlogLimit: 1_024)
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 256 << 10)
        let queued = [UInt8](repeating: UInt8(ascii: "q"), count: 100 << 10)
        async let writer: Void = ReaderThread.run { sink.send(big) }
        try await eventually { sink.isWriting }
        sink.send(queued)
        sink.send(queued)
        let released = Atomic<Bool>(false)
        async let reader: Void = ReaderThread.run {
            sink.waitWhileBacklogged()
            released.store(true, ordering: .releasing)
        }
        // Once the big one is read the writer takes the queue, 200 KiB, and blocks in it (the pipe
        // holds 64 KiB): those bytes are still unwritten, so the reader is still held.
        await ReaderThread.run { _ = pipe.readExactly(big.count + 1) }
        #expect(sink.backlog > sink.backlogLimit)
        let releasedEarly = released.load(ordering: .acquiring)
        #expect(!releasedEarly)
        await ReaderThread.run { _ = pipe.readExactly(2 * (queued.count + 1)) }
        await writer
        await reader
        let releasedAfter = released.load(ordering: .acquiring)
        #expect(releasedAfter)
        #expect(sink.backlog == 0)
    }

    @Test func aSenderNeverWaitsForAPeerThatStoppedReading() async throws {
        // Senders are handlers on the cooperative pool: a client that stops reading its answers
        // must not take those threads, nor hang the server's shutdown behind them.
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd)
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let returned = Atomic<Bool>(false)
        let sending = Task {
            await ReaderThread.run {
                sink.send(big)
                sink.send(Array("{}".utf8))
                returned.store(true, ordering: .releasing)
            }
        }
        var rounds = 0
        while !returned.load(ordering: .acquiring), rounds < 400 {
            try await Task.sleep(for: .milliseconds(5))
            rounds += 1
        }
        // Before the peer reads anything: a sender stuck in write(2) would still be there.
        let returnedUnread = returned.load(ordering: .acquiring)
        #expect(returnedUnread)
        #expect(sink.isWriting)
        let received = Mutex<[UInt8]>([])
        await ReaderThread.run { received.withLock { $0 = pipe.readExactly(big.count + 4) } }
        await sending.value
        let bytes = received.withLock { $0 }
        #expect(bytes.prefix(big.count).allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(Array(bytes.suffix(4)) == Array("\n{}\n".utf8))
        #expect(await sink.waitUntilWritten(timeout: .seconds(10)))
        #expect(!sink.isWriting)
    }

    @Test func waitingForTheLastAnswersGivesUpAfterTheTimeout() async throws {
        let pipe = try Pipe()
        let sink = FileDescriptorSink(descriptor: pipe.writeEnd)
        await ReaderThread.run { sink.send([UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)) }
        #expect(await !sink.waitUntilWritten(timeout: .milliseconds(50)))
        await ReaderThread.run { _ = pipe.readExactly((1 << 20) + 1) }
        #expect(await sink.waitUntilWritten(timeout: .seconds(10)))
    }
}

/// An ``OutputMemoryAccount`` that keeps the balance of charges and refunds.
private final class RecordingAccount: OutputMemoryAccount {
    private let state = Mutex((balance: 0, charges: 0))
    func charge(_ bytes: Int) { state.withLock { $0 = ($0.balance + bytes, $0.charges + 1) } }
    func refund(_ bytes: Int) { state.withLock { $0.balance -= bytes } }
    var balance: Int { state.withLock { $0.balance } }
    var charges: Int { state.withLock { $0.charges } }
}
