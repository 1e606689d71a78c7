import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension AuditWriter {
    /// The group-commit thread: sleeps until a record is written, lets the commit window fill, then
    /// runs one ``commitCycle()`` for every record written meanwhile.
    func commitLoop(_ thread: AuditThread) {
        while true {
            thread.wait()
            if isStopped.load(ordering: .acquiring) { break }
            AuditThread.sleep(Self.commitWindow)
            commitCycle()
        }
        commitCycle()
    }

    /// Group commit: one `fdatasync(2)` covers every record written since the last (policy
    /// `batch`), off the request path; then the head file names the newest synced record.
    func commitCycle() {
        commitLock.withLock { _ in lockedCommitCycle() }
    }

    private func lockedCommitCycle() {
        let snapshot = state.withLock { state -> (AuditFile, AuditChainHead)? in
            guard state.isDirty else { return nil }
            state.isDirty = false
            return (state.file, AuditChainHead(sequence: state.sequence, hash: state.lastHash))
        }
        guard let (file, head) = snapshot else { return }
        if policy == .batch, fdatasync(file.descriptor) != 0 {
            let code = errno
            state.withLock { state in _ = fail(code, "fdatasync", &state) }
            return
        }
        // The head is written only after the sync, so it never names a record a power loss could
        // take away; under both locks and only if no newer head is there (another process's).
        state.withLock { state in
            guard state.file === file else { return }
            flock(file.descriptor, LOCK_EX)
            defer { flock(file.descriptor, LOCK_UN) }
            guard let status = file.status(), !AuditFile.isRetired(status) else { return }
            writeHead(head, force: false)
        }
        syslog?.enqueueHead(head)
    }

    /// Forces records to disk, writes the head and sends what syslog still has queued (session end,
    /// shutdown).
    func flush() {
        defer { syslog?.drain() }
        state.withLock { state in
            flock(state.file.descriptor, LOCK_EX)
            defer { flock(state.file.descriptor, LOCK_UN) }
            if state.isDirty { fsync(state.file.descriptor) }
            state.isDirty = false
            guard let status = state.file.status(), !AuditFile.isRetired(status) else { return }
            let size = Int64(status.st_size)
            guard size > 0 else { return }
            if size != state.end {
                let tail = AuditTail.read(descriptor: state.file.descriptor, size: size)
                (state.sequence, state.lastHash) = (tail.sequence, tail.hash)
                // A torn last line must be finished by the next record's leading line feed.
                state.end = tail.isTorn ? -1 : size
            }
            writeHead(AuditChainHead(sequence: state.sequence, hash: state.lastHash), force: false)
        }
    }

    /// Replaces the head file, unless (`force` false) it already names a later record.
    func writeHead(_ head: AuditChainHead, force: Bool) {
        if !force, let current = try? AuditChainHead.read(from: headPath), current.sequence >= head.sequence { return }
        head.write(to: headPath)
    }
}
