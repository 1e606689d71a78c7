import BastionProtocol
public import BastionSecurity
import BastionSystem

extension ExecutionManager {
    /// Starts a process session: the request checked, planned and spawned exactly as a one-shot
    /// run (``launch(_:client:timeoutMs:control:outputCap:progress:session:)``), its stdin kept
    /// open, its output kept in bounded buffers; returns at once, the supervisor running on a
    /// thread of its own until the process ends.
    /// - Parameters:
    ///   - request: What to run; `timeoutMs` is the session's lifetime (default and cap:
    ///     the client's `session_timeout_ms`).
    ///   - client: The caller.
    ///   - owner: The client and MCP session the session is bound to.
    ///   - summary: What `list_processes` shows of it.
    /// - Returns: The session, registered in ``sessions``.
    /// - Throws: ``ExecutionError`` when the request is refused, the client runs as many sessions or
    ///   processes as it may, or the child cannot start.
    public func start(
        _ request: ExecutionRequest,
        client: ClientContext,
        owner: ProcessSession.Owner,
        summary: String
    ) throws(ExecutionError) -> ProcessSession {
        let lifetime = try timeoutMilliseconds(
            request.timeoutMs,
            limit: client.limits.sessionTimeoutMs,
            name: "session_timeout_ms"
        )
        guard let control = RunControl() else { throw ExecutionError(.spawnFailed, "cannot create a control pipe") }
        let session = ProcessSession(
            id: "p-" + SessionID.make().dropFirst(2),
            owner: owner,
            summary: summary,
            capacity: max(1, client.limits.outputKB) * 1024,
            control: control,
            onEnd: sessions.endRecorder
        )
        try sessions.insert(session, cap: client.limits.sessions)
        let launched: LaunchedRun
        do {
            launched = try launch(
                request,
                client: client,
                timeoutMs: lifetime,
                control: control,
                outputCap: 0,
                progress: nil,
                session: session
            )
        } catch {
            sessions.discard(session)
            throw error
        }
        let started = DetachedThread.start { [self] in
            session.ended(complete(launched, outcome: launched.supervisor.run()))
        }
        if !started {
            // No thread: kill the child and reap it here rather than leave it running.
            control.stop(.shutdown)
            session.ended(complete(launched, outcome: launched.supervisor.run()))
        }
        return session
    }
}
