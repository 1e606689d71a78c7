public import BastionProtocol
import BastionSystem
public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-delimited frames from stdin on a thread of its own and hands each straight to the
/// session: one `read(2)` per chunk of input and no task hop between the read and the dispatch.
///
/// Between reads it holds back while the sink is backlogged (a client that does not read its
/// answers is slowed to its own pace), and it stops once the sink's peer is gone.
public struct StdioReader: FrameSource {
    /// Descriptor frames are read from.
    public var input: Int32
    /// The longest accepted line.
    public var maxFrameBytes: Int
    /// The sink of the same connection, whose backlog paces the reading.
    public let sink: FileDescriptorSink
    /// Where read errors go.
    public let logger: Logger

    /// Creates a reader.
    public init(input: Int32, maxFrameBytes: Int, sink: FileDescriptorSink, logger: Logger) {
        self.input = input
        self.maxFrameBytes = maxFrameBytes
        self.sink = sink
        self.logger = logger
    }

    public func deliver(to receiver: any FrameReceiver) async {
        let gate = DeliveryGate(receiver)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                guard gate.arm(continuation) else { return }
                let started = DetachedThread.start { [self] in
                    readLoop(into: gate)
                    gate.stop()
                }
                if !started {
                    logger.error("could not start the stdin reader thread")
                    gate.stop()
                }
            }
        } onCancel: {
            gate.stop()
        }
    }

    private func readLoop(into receiver: DeliveryGate) {
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
