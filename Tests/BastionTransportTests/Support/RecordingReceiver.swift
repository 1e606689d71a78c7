import BastionProtocol
import BastionTransport
import Synchronization

/// A ``FrameReceiver`` that keeps what it is handed.
final class RecordingReceiver: FrameReceiver {
    enum Event: Hashable, Sendable, CustomStringConvertible {
        case frame(String)
        case oversized(Int)

        var description: String {
            switch self {
            case .frame(let text): return "frame(\(text))"
            case .oversized(let count): return "oversized(\(count))"
            }
        }
    }

    private let recorded = Mutex<[Event]>([])

    /// Everything received so far, in order.
    var events: [Event] { recorded.withLock { $0 } }

    func receive(_ frame: UnsafeRawBufferPointer) {
        let text = String(decoding: frame, as: UTF8.self)
        recorded.withLock { $0.append(.frame(text)) }
    }

    func receiveOversizedFrame(byteCount: Int) {
        recorded.withLock { $0.append(.oversized(byteCount)) }
    }
}
