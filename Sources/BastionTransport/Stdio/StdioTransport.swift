public import BastionProtocol
public import Logging

/// The stdio transport: newline-delimited JSON-RPC on stdin and stdout (transports.mdx).
///
/// Hand-written rather than built on SwiftNIO's pipe bootstrap: a blocking reader thread that
/// dispatches in place and a `write(2)` that never waits keep the round trip to two syscalls and
/// one task hop, which is most of the latency budget of a stdio call.
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

    /// The reader of ``input``, paced by ``sink``.
    public func makeReader(logger: Logger) -> StdioReader {
        StdioReader(input: input, maxFrameBytes: maxFrameBytes, sink: sink, logger: logger)
    }

    /// The connection the service serves: the stdio peer named `clientID` by whoever started the
    /// process, its frames (read on a thread of their own and handed straight to the session once
    /// served), and this transport's sink.
    /// - Parameters:
    ///   - clientID: The client the command line named (`--client`).
    ///   - logger: Where read errors go.
    /// - Returns: The connection; its frames end at end of input.
    public func makeConnection(clientID: String, logger: Logger) -> Connection {
        Connection(credentials: .stdio(clientID: clientID), transport: "stdio", source: makeReader(logger: logger), sink: sink)
    }

    /// Reads frames until end of input and hands each to `receiver`; returns at EOF or read error.
    public func run(receiver: some FrameReceiver, logger: Logger) async {
        await makeReader(logger: logger).deliver(to: receiver)
    }
}
