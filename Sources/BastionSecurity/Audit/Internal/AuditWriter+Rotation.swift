import BastionProtocol

#if canImport(Glibc)
import Glibc
#endif

extension AuditWriter {
    /// Moves the full file aside and puts a new one in its place whose first record, an
    /// `event: "rotate"` record, continues the chain. Runs under both locks of the old file.
    ///
    /// The path never disappears, so a process opening it always finds the current file: the old
    /// file gets its second name `<file>.1` with `link(2)`, and the new one, written complete under
    /// a temporary name, replaces the path with `rename(2)`. The old file then loses its write bit:
    /// the next record of any other process sharing it sees that in the `fstat` it does anyway and
    /// opens the path again (``AuditFile/isRetired(_:)``).
    ///
    /// - Returns: Whether the file was rotated; if not, the record goes to the current file.
    func rotate(_ state: inout State) -> Bool {
        let old = state.file
        fdatasync(old.descriptor)
        unlink(AuditRotation.rotatedPath(path, index: rotation.keep))
        for index in stride(from: rotation.keep - 1, through: 1, by: -1) {
            rename(AuditRotation.rotatedPath(path, index: index), AuditRotation.rotatedPath(path, index: index + 1))
        }
        let rotated = AuditRotation.rotatedPath(path, index: 1)
        guard link(path, rotated) == 0 else {
            AuditWriter.report("bastion: cannot rotate the audit log \(path): \(String(cString: strerror(errno)))")
            return false
        }
        let temporary = "\(path).\(getpid()).rotating"
        unlink(temporary)
        let next: AuditFile
        do throws(AuditError) {
            next = try AuditFile(path: temporary, isExclusive: true)
        } catch {
            unlink(rotated)
            AuditWriter.report("bastion: cannot rotate the audit log: \(error)")
            return false
        }
        // Nobody else knows the new file yet; lock it before it gets its name.
        flock(next.descriptor, LOCK_EX)
        let name = PathBytes.splitLast(rotated)?.name ?? rotated
        let body = AuditRecordBody([
            "event": "rotate", "reason": "size", "rotated_from": .string(name), "pid": .int(Int64(getpid())),
        ])
        let chain = (state.sequence, state.lastHash)
        state.file = next
        state.end = 0
        guard
            case .success = write(
                body,
                syslogFields: AuditSyslogFields(event: "rotate"),
                size: 0,
                isTorn: false,
                &state
            ),
            fdatasync(next.descriptor) == 0, rename(temporary, path) == 0
        else {
            // Back to the old file, which still has its name, and to the chain as it ends there:
            // the rotate record went away with the temporary file.
            unlink(temporary)
            unlink(rotated)
            flock(next.descriptor, LOCK_UN)
            state.file = old
            state.end = -1
            (state.sequence, state.lastHash) = chain
            return false
        }
        syncDirectory()
        fchmod(old.descriptor, 0o400)
        flock(old.descriptor, LOCK_UN)
        state.isDirty = false
        writeHead(AuditChainHead(sequence: state.sequence, hash: state.lastHash), force: true)
        return true
    }

    /// Opens the path again after this process's file was rotated away or deleted; runs under the
    /// process lock, with the old file locked. Returns holding the new file's lock.
    ///
    /// A deleted file is recreated, and its first record (an `event: "rotate"` record with
    /// `reason: "reopened"`) continues the chain this writer knows.
    ///
    /// - Returns: The `fstat` of the file now open.
    /// - Throws: ``AuditError`` when the path cannot be opened.
    func reopen(_ state: inout State) throws(AuditError) -> stat {
        let next = try AuditFile(path: path)
        flock(state.file.descriptor, LOCK_UN)
        flock(next.descriptor, LOCK_EX)
        let wasKnown = state.end >= 0 || state.sequence > 0
        state.file = next
        state.end = -1
        guard var status = next.status() else {
            throw AuditError(message: "fstat \(path): \(String(cString: strerror(errno)))")
        }
        if status.st_size == 0, wasKnown {
            state.end = 0
            let body = AuditRecordBody(["event": "rotate", "reason": "reopened", "pid": .int(Int64(getpid()))])
            if case .failure(let error) = write(
                body,
                syslogFields: AuditSyslogFields(event: "rotate"),
                size: 0,
                isTorn: false,
                &state
            ) {
                throw error
            }
            status = next.status() ?? status
        }
        return status
    }

    /// Whether the path now names another file than the one open (replaced from outside).
    func isReplaced(_ status: stat) -> Bool {
        var current = stat()
        guard stat(path, &current) == 0 else { return true }
        return current.st_ino != status.st_ino || current.st_dev != status.st_dev
    }

    /// Makes the renames durable (`fsync` of the directory), as a rename is not by itself.
    private func syncDirectory() {
        let parent = PathBytes.splitLast(path)?.parent ?? ""
        let directory = open(
            parent.isEmpty ? "." : parent,
            O_RDONLY | O_DIRECTORY | O_CLOEXEC
        )
        guard directory >= 0 else { return }
        fsync(directory)
        close(directory)
    }
}
