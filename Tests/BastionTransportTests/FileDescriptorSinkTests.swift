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
}
