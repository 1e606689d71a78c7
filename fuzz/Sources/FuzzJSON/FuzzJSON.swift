import BastionProtocol
import BastionTransport
import CLibFuzzerDriver
import FuzzSupport

/// Fuzzes the stdio framing and the JSON codec, each against an independent reference.
///
/// The input is a byte stream as a client would write it to stdin. It is framed twice, in chunks
/// whose sizes come from the input's hash, with a tiny and a normal frame limit; both framings must
/// equal the reference split. Every frame, and the whole input as one document, is then parsed by
/// ``JSONParser`` and by ``ReferenceJSON``: they must agree, and an accepted value must survive
/// ``JSONWriter`` and parsing again unchanged, byte for byte, without a raw line feed.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    var chunks = ChunkSizes(seed: input.hash)
    _ = frames(input.bytes, maxFrameBytes: 16, chunks: &chunks)
    for frame in frames(input.bytes, maxFrameBytes: 4_096, chunks: &chunks) {
        frame.withUnsafeBytes { checkDocument($0) }
    }
    checkDocument(input.bytes)
    return 0
}

/// The frames of `stream`, after checking every event against ``FramerEvent/reference(_:maxFrameBytes:)``.
private func frames(_ stream: UnsafeRawBufferPointer, maxFrameBytes: Int, chunks: inout ChunkSizes) -> [[UInt8]] {
    var framer = LineFramer(maxFrameBytes: maxFrameBytes)
    var events: [FramerEvent] = []
    let record: (LineFramer.Event) -> Void = { event in
        switch event {
        case .frame(let bytes): events.append(.frame(Array(bytes)))
        case .oversized(let count): events.append(.oversized(count))
        }
    }
    var start = 0
    while start < stream.count, let size = chunks.next() {
        let end = min(stream.count, start + size)
        framer.append(UnsafeRawBufferPointer(rebasing: stream[start..<end]), record)
        start = end
    }
    framer.finish(record)
    let expected = FramerEvent.reference(stream, maxFrameBytes: maxFrameBytes)
    fuzzCheck(events == expected, "LineFramer(maxFrameBytes: \(maxFrameBytes)) gave \(events), expected \(expected)")
    return events.compactMap { if case .frame(let bytes) = $0 { return bytes } else { return nil } }
}

private let limits = JSONLimits(maxBytes: 1 << 20, maxDepth: 32)

private func checkDocument(_ document: UnsafeRawBufferPointer) {
    let parsed: JSONValue?
    do {
        parsed = try JSONParser.parse(document, limits: limits)
    } catch {
        fuzzCheck((0...document.count).contains(error.offset), "error offset \(error.offset) outside the input")
        parsed = nil
    }
    let reference = ReferenceJSON.parse(Array(document), maxDepth: limits.maxDepth)
    fuzzCheck(
        parsed == reference,
        "JSONParser gave \(String(describing: parsed)), the reference \(String(describing: reference))"
    )
    guard let parsed else { return }
    let encoded = JSONWriter.encode(parsed)
    fuzzCheck(!encoded.contains(0x0A), "JSONWriter wrote a raw line feed")
    let reparsed = try? JSONParser.parse(encoded, limits: limits)
    fuzzCheck(reparsed == parsed, "written and parsed again: \(String(describing: reparsed)), expected \(parsed)")
    fuzzCheck(reparsed.map(JSONWriter.encode) == encoded, "JSONWriter output is not stable")
    if document.count > 0 {
        let tight = JSONLimits(maxBytes: document.count - 1, maxDepth: limits.maxDepth)
        let refusal = Result { () throws(JSONParseError) in try JSONParser.parse(document, limits: tight) }
        fuzzCheck(refusal.failureCode == .tooLarge, "a document over maxBytes was not refused as tooLarge")
    }
    if case .success(let message) = JSONRPCMessage.decode(parsed) {
        let again = JSONRPCMessage.decode(message.json)
        fuzzCheck(again == .success(message), "JSONRPCMessage round trip gave \(again), expected \(message)")
    }
}

extension Result where Failure == JSONParseError {
    fileprivate var failureCode: JSONParseError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}

/// The entry point SwiftPM links as `main` (see `CLibFuzzerDriver.h`).
@_cdecl("FuzzJSON_main")
func fuzzJSONMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    bastion_fuzz_main(argc, argv)
}
