/// A request that passed the checks of arrival and holds, or waits for, one of its session's credits.
///
/// Everything needed to start the handler later is kept here, so a request that waits in the queue
/// costs no task and no thread until a credit frees.
struct AdmittedRequest: Sendable {
    /// Where the answer goes.
    enum Reply: Sendable {
        /// A single request: its own response.
        case single
        /// A member of a 2025-03-26 batch: one element of the batch's array.
        case batch(BatchReply)
    }

    let context: RequestContext
    let params: JSONValue?
    /// The frame's size, for the audit record (a batch member carries its whole batch's).
    let byteCount: Int
    /// What the request counts against the queue's byte bound while it waits.
    let queuedBytes: Int
    let reply: Reply

    var id: RequestID { context.id }
}
