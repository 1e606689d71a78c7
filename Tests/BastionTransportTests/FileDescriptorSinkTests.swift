import BastionProtocol
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
}
