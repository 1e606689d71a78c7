import BastionProtocol
import BastionSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Tells callers when a file changes, with one `inotify(7)` instance and one blocking thread.
///
/// A file is watched through its parent directory, by name, so that an atomic replacement (a new
/// file renamed over the old one, as editors and ``FileSystemManager/writeAtomically(_:bytes:)``
/// do) is seen as a change of that name. The directory is given as a descriptor opened by the
/// confined opener and registered through `/proc/self/fd/N`, so the watch lands on exactly the
/// directory that was checked, even if its path is swapped for a symlink meanwhile.
public final class FileWatcher: Sendable {
    /// Identifies one watch, for ``cancel(_:)``.
    public struct Token: Sendable, Hashable {
        let id: UInt64
    }

    private struct Watch {
        var descriptor: Int32
        var name: String
        var onChange: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 1
        var watches: [UInt64: Watch] = [:]
        var isRunning = false
        var isClosed = false
    }

    /// Events that mean "the content or the identity of this name changed". The watch is added
    /// through the `/proc/self/fd/N` magic link, which must be followed (no `IN_DONT_FOLLOW`): it
    /// leads to exactly the directory that was opened.
    static let mask: UInt32 =
        UInt32(IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
        | UInt32(IN_ONLYDIR)

    private let inotify: Int32
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex(State())

    /// Creates a watcher; its thread starts with the first watch.
    /// - Throws: ``FileSystemError`` when the kernel refuses an inotify instance.
    public init() throws(FileSystemError) {
        let inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else { throw .system(errno, operation: "watch files", path: nil) }
        var pipes: [Int32] = [0, 0]
        guard pipe(&pipes) == 0 else {
            Glibc.close(inotify)
            throw .system(errno, operation: "watch files", path: nil)
        }
        for end in pipes { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        self.inotify = inotify
        self.wake = (pipes[0], pipes[1])
    }

    deinit {
        Glibc.close(inotify)
        Glibc.close(wake.read)
        Glibc.close(wake.write)
    }

    /// Watches `name` in an open directory; `onChange` runs on the watcher's thread, at most once
    /// per batch of events the kernel delivers together.
    /// - Parameters:
    ///   - directory: The directory, opened through the confined opener.
    ///   - name: The entry to watch.
    ///   - path: The file's path, for errors.
    ///   - onChange: Called when the entry is written, replaced, created, deleted or its attributes change.
    /// - Returns: The token that cancels the watch.
    public func watch(
        directory: Descriptor,
        name: String,
        path: String,
        onChange: @escaping @Sendable () -> Void
    ) throws(FileSystemError) -> Token {
        let descriptor = inotify_add_watch(inotify, "/proc/self/fd/\(directory.raw)", Self.mask)
        guard descriptor >= 0 else { throw .system(errno, operation: "watch", path: path) }
        let (token, start) = state.withLock { state -> (Token, Bool) in
            let token = Token(id: state.nextID)
            state.nextID += 1
            state.watches[token.id] = Watch(descriptor: descriptor, name: name, onChange: onChange)
            defer { state.isRunning = true }
            return (token, !state.isRunning && !state.isClosed)
        }
        if start { startThread() }
        return token
    }

    /// Stops one watch; the kernel watch goes when no other token uses the directory.
    public func cancel(_ token: Token) {
        let unused = state.withLock { state -> Int32? in
            guard let removed = state.watches.removeValue(forKey: token.id) else { return nil }
            return state.watches.values.contains { $0.descriptor == removed.descriptor } ? nil : removed.descriptor
        }
        if let unused { inotify_rm_watch(inotify, unused) }
    }

    /// How many watches are active.
    public var count: Int { state.withLock { $0.watches.count } }

    /// Stops the thread (it is woken through a pipe); no callback runs afterwards.
    public func close() {
        state.withLock { state in
            state.isClosed = true
            state.watches.removeAll()
        }
        var byte: UInt8 = 1
        _ = Glibc.write(wake.write, &byte, 1)
    }

    private func startThread() {
        DetachedThread.start { [self] in run() }
    }

    /// Waits (blocking, no timeout) for events or the wake-up, and dispatches each batch.
    private func run() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1_024)
        while true {
            var fds = [
                pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
            if fds[1].revents != 0 || state.withLock({ $0.isClosed }) { return }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(inotify, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            var changed: Set<UInt64> = []
            buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let descriptor = raw.load(fromByteOffset: offset, as: Int32.self)
                    let length = Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<min(count, nameStart + length)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    state.withLock { state in
                        for (id, watch) in state.watches where watch.descriptor == descriptor && watch.name == name {
                            changed.insert(id)
                        }
                    }
                    offset = nameStart + length
                }
            }
            let callbacks = state.withLock { state in changed.compactMap { state.watches[$0]?.onChange } }
            for callback in callbacks { callback() }
        }
    }
}
