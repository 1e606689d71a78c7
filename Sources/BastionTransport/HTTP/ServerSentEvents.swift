public import NIOCore

/// The `text/event-stream` framing (HTML Living Standard, "Server-sent events") of the MCP
/// messages a stream carries: each message one `message` event, its JSON on one `data:` line
/// (Bastion's JSON writer never emits a raw line break).
public enum ServerSentEvents {
    /// The media type of a stream.
    public static let mediaType = "text/event-stream"

    /// One `message` event holding `json`, with its `id` when the stream is resumable.
    public static func event(_ json: [UInt8], id: String? = nil, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: json.count + 32 + (id?.utf8.count ?? 0))
        if let id {
            buffer.writeStaticString("id: ")
            buffer.writeString(id)
            buffer.writeStaticString("\n")
        }
        buffer.writeStaticString("event: message\ndata: ")
        buffer.writeBytes(json)
        buffer.writeStaticString("\n\n")
        return buffer
    }

    /// The event that opens a resumable stream (2025-11-25): an id and empty data, so a client
    /// that loses the stream before the first message can resume it; `retry` tells it how soon.
    public static func priming(id: String, retryMilliseconds: Int?, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        buffer.writeStaticString("id: ")
        buffer.writeString(id)
        buffer.writeStaticString("\n")
        if let retryMilliseconds {
            buffer.writeString("retry: \(retryMilliseconds)\n")
        }
        buffer.writeStaticString("data: \n\n")
        return buffer
    }

    /// A comment line: keeps an idle stream's connection (and the proxies on its way) alive.
    public static func keepAlive(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 4)
        buffer.writeStaticString(": \n\n")
        return buffer
    }
}
