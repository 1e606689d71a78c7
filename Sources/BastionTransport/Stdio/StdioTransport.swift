public import BastionProtocol
import BastionSystem
public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The stdio transport: newline-delimited JSON-RPC on stdin and stdout (transports.mdx).
///
/// Hand-written rather than built on SwiftNIO's pipe bootstrap: a blocking reader thread and a
/// mutex-guarded `write(2)` keep the round trip to two syscalls and one task hop, which is most of
/// the latency budget of a stdio call.
public struct StdioTransport: Sendable {
    /// Descriptor messages are read from (stdin).
    public var input: Int32
    /// Descriptor messages are written to (stdout).
    public var output: Int32
    /// The longest accepted line.
    public var maxFrameBytes: Int
    /// The writer of ``output``; the reader holds back while it is backlogged.
    public let sink: FileDescriptorSink

    /// Creates a stdio transport.
    /// - Parameters:
    ///   - input: Where requests are read (default stdin).
    ///   - output: Where answers are written (default stdout).
    ///   - maxFrameBytes: The longest accepted line.
    ///   - maxQueuedBytes: Unwritten output past which the client is treated as stalled and dropped.
    ///   - outputAccount: Where output waiting for the client is counted (the process-wide memory budget).
    public init(
        input: Int32 = 0,
        output: Int32 = 1,
        maxFrameBytes: Int,
        maxQueuedBytes: Int = 1 << 30,
        outputAccount: (any OutputMemoryAccount)? = nil
    ) {
        self.input = input
        self.output = output
        self.maxFrameBytes = maxFrameBytes
        self.sink = FileDescriptorSink(descriptor: output, maxQueuedBytes: maxQueuedBytes, account: outputAccount)
    }

    /// The sink that writes to ``output``.
    public func makeSink() -> FileDescriptorSink { sink }

    /// Starts reading and returns the connection the service serves: the stdio peer named
    /// `clientID` by whoever started the process, its frames (read on a dedicated thread, with
    /// backpressure), and this transport's sink.
    /// - Parameters:
    ///   - clientID: The client the command line named (`--client`).
    ///   - logger: Where read errors go.
    /// - Returns: The connection; its frames end at end of input.
    public func makeConnection(clientID: String, logger: Logger) -> Connection {
        let queue = FrameQueue()
        let input = self.input
        let maxFrameBytes = self.maxFrameBytes
        let sink = self.sink
        let started = DetachedThread.start {
            Self.readLoop(input: input, maxFrameBytes: maxFrameBytes, receiver: queue, sink: sink, logger: logger)
            queue.finish()
        }
        if !started {
            logger.error("could not start the stdin reader thread")
            queue.finish()
        }
        return Connection(credentials: .stdio(clientID: clientID), transport: "stdio", frames: queue, sink: sink)
    }

    /// Reads frames until end of input and hands each to `receiver`; returns at EOF or read error.
    public func run(receiver: some FrameReceiver, logger: Logger) async {
        let input = self.input
        let maxFrameBytes = self.maxFrameBytes
        let sink = self.sink
        await ReaderThread.run {
            Self.readLoop(input: input, maxFrameBytes: maxFrameBytes, receiver: receiver, sink: sink, logger: logger)
        }
    }

    private static func readLoop(
        input: Int32,
        maxFrameBytes: Int,
        receiver: some FrameReceiver,
        sink: FileDescriptorSink,
        logger: Logger
    ) {
        var framer = LineFramer(maxFrameBytes: maxFrameBytes)
        let emit: (LineFramer.Event) -> Void = { event in
            switch event {
            case .frame(let bytes): receiver.receive(bytes)
            case .oversized(let count): receiver.receiveOversizedFrame(byteCount: count)
            }
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = read(input, chunk.baseAddress, chunk.count)
            if count > 0 {
                framer.append(UnsafeRawBufferPointer(rebasing: chunk[..<count]), emit)
                sink.waitWhileBacklogged()
                // No one reads the answers any more (stdout closed, or the client stalled past the
                // output limit): reading more requests would run them for nothing.
                if sink.isPeerGone {
                    logger.notice("stdout is gone or its reader stalled; no more requests are read")
                    break
                }
            } else if count == 0 {
                break
            } else if errno != EINTR {
                logger.error("stdin read failed", metadata: ["errno": "\(errno)"])
                break
            }
        }
        framer.finish(emit)
        logger.debug("stdin closed")
    }
}
