extension MCPSession {
    /// Records work that outlived its request — a task-augmented call whose request was answered
    /// with the task — through the same audit hook as a request, once that work has ended.
    ///
    /// The context is marked finished first (no more progress for it).
    /// - Parameters:
    ///   - context: The work's own context (its annotations become the record's).
    ///   - result: How the work ended.
    ///   - wasCancelled: Whether it was cancelled before it could answer.
    /// - Returns: -32603 "audit log unavailable" when the record could not be written; the result
    ///   must then not be given out.
    package func recordDetached(
        _ context: RequestContext,
        result: Result<JSONValue, JSONRPCError>,
        wasCancelled: Bool
    ) -> JSONRPCError? {
        _ = context.markFinished()
        return observer.sessionRecorded(
            self,
            RequestRecord(
                id: context.id,
                method: context.method,
                outcome: wasCancelled ? .cancelled : result.outcome,
                duration: .now - context.receivedAt,
                byteCount: 0,
                annotations: context.annotations
            )
        )
    }
}
