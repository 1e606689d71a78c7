import Synchronization

@testable import BastionProtocol

/// A ``MessageSink`` that parses and keeps every message the session writes.
final class RecordingSink: MessageSink {
    private let recorder = Recorder<JSONValue>()
    private let isAccepting: Bool
    private let onSend: (@Sendable (JSONValue) -> Void)?

    /// - Parameters:
    ///   - isAccepting: What `send` returns; `false` plays a peer that has gone away.
    ///   - onSend: Called with each message before it is recorded (to observe ordering).
    init(isAccepting: Bool = true, onSend: (@Sendable (JSONValue) -> Void)? = nil) {
        self.isAccepting = isAccepting
        self.onSend = onSend
    }

    @discardableResult
    func send(_ message: [UInt8]) -> Bool {
        // A message that is not JSON is recorded as a string, so the test that reads it fails visibly.
        let value =
            (try? JSONParser.parse(message)) ?? .string("unparsable: \(String(decoding: message, as: UTF8.self))")
        onSend?(value)
        recorder.append(value)
        return isAccepting
    }

    /// Every message written so far, oldest first.
    var messages: [JSONValue] { recorder.elements }

    /// Waits until `count` messages were written (or `timeout` passed) and returns all of them.
    func waitForMessages(_ count: Int, timeout: Duration = .seconds(10)) async -> [JSONValue] {
        await recorder.wait(forCount: count, timeout: timeout)
    }

    /// Waits until `condition` holds for the messages written (or `timeout` passed) and returns them.
    func waitForMessages(
        timeout: Duration = .seconds(10),
        until condition: @escaping @Sendable ([JSONValue]) -> Bool
    ) async -> [JSONValue] {
        await recorder.wait(timeout: timeout, until: condition)
    }

    /// Waits until a response to `id` was written (or `timeout` passed) and returns it.
    func waitForResponse(to id: JSONValue, timeout: Duration = .seconds(10)) async -> JSONValue? {
        let messages = await recorder.wait(timeout: timeout) { messages in
            messages.contains { Self.isResponse($0, to: id) }
        }
        return messages.first { Self.isResponse($0, to: id) }
    }

    private static func isResponse(_ message: JSONValue, to id: JSONValue) -> Bool {
        message["id"] == id && (message["result"] != nil || message["error"] != nil)
    }

    /// The responses (messages with a `result` or an `error`) whose id is `id`.
    func responses(to id: JSONValue) -> [JSONValue] {
        messages.filter { Self.isResponse($0, to: id) }
    }

    /// The notifications named `method`.
    func notifications(_ method: String) -> [JSONValue] {
        messages.filter { $0["id"] == nil && $0["method"]?.stringValue == method }
    }
}
