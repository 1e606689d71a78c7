import BastionProtocol
import BastionTransport
import CLibFuzzerDriver
import FuzzSupport
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Fuzzes a session's inbound path: stdio framing, JSON parsing, JSON-RPC decoding, batches,
/// lifecycle, cancellation, deadlines and answers to the server's own requests.
///
/// The input is what a client writes to stdin. Each input gets a fresh session, is framed by
/// ``LineFramer`` in chunks of sizes drawn from its hash, and is fed frame by frame as the stdio
/// reader does. The session is then closed, which waits for every request still running, and
/// must be gone soon after, so nothing carries over to the next input. Every message it wrote
/// must be JSON-RPC that ``JSONParser`` reads back.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSession(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    let sink = CollectingSink()
    let observer = CountingObserver()
    weak var weakSession: MCPSession?
    do {
        let session = MCPSession(
            configuration: configuration,
            router: FuzzRouter.make,
            sink: sink,
            observer: observer,
            id: "s-fuzz",
            logger: logger
        )
        weakSession = session
        feed(input, to: session)
        blockingWait { await session.close(grace: .seconds(5)) }
    }
    let writtenAtClose = sink.written.count
    // The last tasks release the session on their own threads once they return: yield first (the
    // usual case is a few microseconds), then sleep, for 5 s at most.
    for attempt in 0..<6_000 where weakSession != nil {
        if attempt < 1_000 { sched_yield() } else { usleep(1_000) }
    }
    fuzzCheck(weakSession == nil, "the session is still alive 5 s after close: a task or a cycle kept it")
    fuzzCheck(observer.closedCount == 1, "sessionClosed was called \(observer.closedCount) times")
    let written = sink.written
    fuzzCheck(
        written.count == writtenAtClose,
        "the session wrote \(written.count - writtenAtClose) messages after close"
    )
    for message in written { check(message) }
    return 0
}

private let configuration = MCPSession.Configuration(
    identity: ServerIdentity(name: "bastion-fuzz", version: "0"),
    capabilities: ServerCapabilities(tools: true, resources: true, prompts: true),
    limits: JSONLimits(maxBytes: 2_048, maxDepth: 16),
    requestTimeout: .milliseconds(3),
    maxConcurrentRequests: 8,
    handlerDeadline: .milliseconds(2)
)

private let logger = Logger(label: "bastion.fuzz") { _ in SwiftLogNoOpLogHandler() }

/// Frames the input (limit 4 KiB, above the parser's 2 KiB so both refusals are reachable) and
/// hands each frame to the session.
private func feed(_ input: FuzzInput, to session: MCPSession) {
    var framer = LineFramer(maxFrameBytes: 4_096)
    let deliver: (LineFramer.Event) -> Void = { event in
        switch event {
        case .frame(let frame): session.receive(frame)
        case .oversized(let byteCount): session.receiveOversizedFrame(byteCount: byteCount)
        }
    }
    var chunks = ChunkSizes(seed: input.hash)
    var start = 0
    while start < input.bytes.count, let size = chunks.next() {
        let end = min(input.bytes.count, start + size)
        framer.append(UnsafeRawBufferPointer(rebasing: input.bytes[start..<end]), deliver)
        start = end
    }
    framer.finish(deliver)
}

/// A written message must parse and be a JSON-RPC message, or a non-empty batch of them.
private func check(_ message: [UInt8]) {
    fuzzCheck(!message.contains(0x0A), "a written message contains a raw line feed")
    let parsed: JSONValue
    do {
        parsed = try JSONParser.parse(message)
    } catch {
        fuzzCheck(false, "the session wrote unparsable JSON (\(error)): \(String(decoding: message, as: UTF8.self))")
        return
    }
    let elements: [JSONValue]
    if case .array(let batch) = parsed {
        fuzzCheck(!batch.isEmpty, "the session wrote an empty batch")
        elements = batch
    } else {
        elements = [parsed]
    }
    for element in elements {
        guard case .success = JSONRPCMessage.decode(element) else {
            fuzzCheck(false, "the session wrote a message that is not JSON-RPC: \(JSONWriter.string(element))")
            return
        }
    }
}

/// The entry point SwiftPM links as `main` (see `CLibFuzzerDriver.h`).
@_cdecl("FuzzSession_main")
func fuzzSessionMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    bastion_fuzz_main(argc, argv)
}
