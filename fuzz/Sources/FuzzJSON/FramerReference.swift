/// What ``LineFramer`` must emit for a whole stream, computed the obvious way: split at every `\n`,
/// drop one trailing `\r`, skip lines of only spaces and tabs, report lines over the limit by length.
enum FramerEvent: Equatable {
    case frame([UInt8])
    case oversized(Int)

    static func reference(_ stream: UnsafeRawBufferPointer, maxFrameBytes: Int) -> [FramerEvent] {
        var events: [FramerEvent] = []
        for piece in stream.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var line = Array(piece)
            if line.last == 0x0D { line.removeLast() }
            if line.count > maxFrameBytes {
                events.append(.oversized(line.count))
            } else if line.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                events.append(.frame(line))
            }
        }
        return events
    }
}
