/// Why a JSON value is not a JSON-RPC message, with the id to answer when one was readable.
public struct DecodingFailure: Error, Sendable, Hashable {
    /// The request id, when the message had a readable one.
    public var id: RequestID?
    /// The error to send back.
    public var error: JSONRPCError
}
