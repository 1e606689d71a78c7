import BastionProtocol
import BastionResources
import BastionSecurity
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The files a client may read, as `file://` resources: listed page by page (sorted, depth first,
/// per scope root), read as text or base64 blob, and watched with inotify for
/// `notifications/resources/updated`.
final class FileResourceProvider: ResourceProvider {
    private struct Subscription: Hashable {
        var session: ObjectIdentifier
        var uri: String
    }

    private let files: FileSystemManager
    private let watcher = Mutex<FileWatcher?>(nil)
    private let subscriptions = Mutex<[Subscription: FileWatcher.Token]>([:])

    init(files: FileSystemManager) {
        self.files = files
    }

    func owns(_ uri: String) -> Bool { uri.hasPrefix("file:") }

    // MARK: - Listing

    /// Cursors are `<root index>/<relative path of the last file listed>`.
    func list(
        client: ClientContext,
        after cursor: String?,
        limit: Int
    ) async throws(JSONRPCError) -> (resources: [JSONValue], next: String?) {
        let roots = files.scope(of: client).readRoots
        var rootIndex = 0
        var after: [Substring]?
        if let cursor {
            guard let slash = cursor.firstIndex(of: "/"), let index = Int(cursor[..<slash]),
                roots.indices.contains(index)
            else { throw .invalidParams("unknown cursor") }
            rootIndex = index
            after = PathBytes.segments(String(cursor[cursor.index(after: slash)...])).map { Substring($0) }
        }
        var page: [JSONValue] = []
        while rootIndex < roots.count {
            let root = roots[rootIndex]
            var last: String?
            var isFull = false
            if let target = try? files.authorize(root, for: .read, client: client) {
                _ = try? files.walk(target, client: client, maxEntries: client.limits.listEntries) { event in
                    switch event {
                    case .enter(let relative, _):
                        guard let after else { return .proceed }
                        let components = PathBytes.segments(relative).map { Substring($0) }
                        // Enter only directories on or after the cursor's path.
                        return Self.precedes(components, after) && !after.starts(with: components) ? .skip : .proceed
                    case .entry(let relative, let entry, _):
                        // A name that is not UTF-8 has no file:// URI a client could send back.
                        guard entry.kind == .file, entry.isValidUTF8 else { return .proceed }
                        if let after, !Self.precedes(after, PathBytes.segments(relative).map { Substring($0) }) {
                            return .proceed
                        }
                        guard page.count < limit else {
                            isFull = true
                            return .stop
                        }
                        page.append(Self.listing(root: root, relative: relative))
                        last = relative
                        return .proceed
                    case .leave:
                        return .proceed
                    }
                }
            }
            if isFull, let last { return (page, "\(rootIndex)/\(last)") }
            rootIndex += 1
            after = nil
            if page.count >= limit, rootIndex < roots.count { return (page, "\(rootIndex)/") }
        }
        return (page, nil)
    }

    /// Whether `a` comes strictly before `b` in the walk's order (component by component, bytewise).
    static func precedes(_ a: [Substring], _ b: [Substring]) -> Bool {
        for (left, right) in zip(a, b) where left != right {
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
        return a.count < b.count
    }

    static func listing(root: String, relative: String) -> JSONValue {
        let path = root == "/" ? "/" + relative : root + "/" + relative
        let name = relative.split(separator: "/").last.map(String.init) ?? relative
        return [
            "uri": .string(FileURI.encode(path)), "name": .string(name), "title": .string(relative),
            "mimeType": .string(mimeType(of: path)),
        ]
    }

    static func mimeType(of path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        let suffix = name.split(separator: ".").dropFirst().last.map { String($0).lowercased() } ?? ""
        let type = ContentSniffer.mimeType(forPathExtension: suffix)
        return type == "application/octet-stream" && suffix.isEmpty ? "text/plain" : type
    }

    // MARK: - Reading

    func read(client: ClientContext, uri: String) async throws(JSONRPCError) -> [ResourceContents] {
        try await read(client: client, uri: uri, memory: .unlimited)
    }

    /// Reads a file as text, or as a Base64 blob encoded when the answer is written; reserves first
    /// what the answer holds at most: the bytes and their Base64 in the message. A permission refusal
    /// is noted on the request (`memory`'s) for the audit record.
    func read(
        client: ClientContext,
        uri: String,
        memory: AnswerMemory
    ) async throws(JSONRPCError) -> [ResourceContents] {
        let target = try authorize(uri, client: client, context: memory.request)
        let read: WholeFileRead
        do {
            read = try files.openForWholeRead(target, maxBytes: client.limits.readBytes)
        } catch {
            throw Self.readError(error, uri: uri)
        }
        try await Self.reserve(FileSystemModule.mediaAnswerBytes(read.byteCount), in: memory)
        let bytes: [UInt8]
        do {
            bytes = try read.read()
        } catch {
            throw Self.readError(error, uri: uri)
        }
        let mimeType = Self.mimeType(of: target.path)
        if !ContentSniffer.isBinary(bytes.prefix(ContentSniffer.sampleSize)),
            let text = String(validating: bytes, as: UTF8.self)
        {
            let textType = ContentSniffer.isTextMimeType(mimeType) ? mimeType : "text/plain"
            return [.text(uri: uri, mimeType: textType, text: text)]
        }
        return [.blob(uri: uri, mimeType: mimeType, base64: Base64Payload(encoding: bytes))]
    }

    private static func readError(_ error: FileSystemError, uri: String) -> JSONRPCError {
        error.kind == .notFound ? notFound(uri, error.message) : .invalidParams(error.message)
    }

    /// Reserves answer memory; a refusal is a JSON-RPC error saying to retry.
    private static func reserve(_ bytes: Int, in memory: AnswerMemory) async throws(JSONRPCError) {
        do {
            try await memory.reserve(bytes)
        } catch {
            throw JSONRPCError(
                code: JSONRPCError.internalErrorCode,
                message: error.message,
                data: ["reason": error.code == .busy ? "busy" : error.code == .tooLarge ? "too-large" : "cancelled"]
            )
        }
    }

    /// A refused or malformed URI is "resource not found" (-32002) for the client, with the reason in
    /// the message: the reason is computed from the path alone and says nothing of what exists.
    /// The canonical path decided on goes to `context`'s audit record, allowed (`path`) as refused
    /// (the denial): the log says which file was read whatever the URI's spelling.
    private func authorize(
        _ uri: String,
        client: ClientContext,
        context: RequestContext? = nil
    ) throws(JSONRPCError) -> AuthorizedPath {
        guard let path = FileURI.decode(uri) else {
            throw Self.notFound(uri, "\"\(uri)\" is not a valid file:// URI")
        }
        do {
            let target = try files.authorize(path, for: .read, client: client)
            context?.annotate("path", .string(target.path))
            return target
        } catch {
            if let denial = error.denial { context?.note(denial) }
            throw Self.notFound(uri, error.message)
        }
    }

    static func notFound(_ uri: String, _ reason: String) -> JSONRPCError {
        JSONRPCError(
            code: JSONRPCError.resourceNotFoundCode,
            message: "Resource not found: \(reason)",
            data: ["uri": .string(uri)]
        )
    }

    // MARK: - Subscriptions

    func subscribe(client: ClientContext, uri: String, context: RequestContext) async throws(JSONRPCError) {
        let session = context.session
        let target = try authorize(uri, client: client, context: context)
        guard let (_, name) = target.parentAndName else {
            throw .invalidParams("\"\(uri)\" is an allowed directory itself; subscribe to a file in it")
        }
        let key = Subscription(session: ObjectIdentifier(session), uri: uri)
        guard subscriptions.withLock({ $0[key] }) == nil else { return }
        do {
            let parentPath = PathBytes.splitLast(target.path)?.parent ?? target.root
            let directory = try files.open(
                AuthorizedPath(path: parentPath, root: target.root),
                flags: O_RDONLY | O_DIRECTORY
            )
            let path = target.path
            let token = try sharedWatcher().watch(directory: directory, name: name, path: path) {
                [weak session] in
                // The client's rights now, not at subscription time: a reload may have taken the
                // file away, and then even the fact that it changed is no longer the client's.
                guard client.check(.read, canonicalPath: path).isAllowed else { return }
                session?.notify(method: "notifications/resources/updated", params: ["uri": .string(uri)])
            }
            let previous = subscriptions.withLock { $0.updateValue(token, forKey: key) }
            if let previous { try sharedWatcher().cancel(previous) }
        } catch {
            throw .invalidParams(error.message)
        }
    }

    func unsubscribe(uri: String, session: MCPSession) {
        let key = Subscription(session: ObjectIdentifier(session), uri: uri)
        guard let token = subscriptions.withLock({ $0.removeValue(forKey: key) }) else { return }
        watcher.withLock { $0 }?.cancel(token)
    }

    func sessionEnded(_ session: MCPSession) {
        let id = ObjectIdentifier(session)
        let tokens = subscriptions.withLock { subscriptions in
            let mine = subscriptions.filter { $0.key.session == id }
            for key in mine.keys { subscriptions[key] = nil }
            return Array(mine.values)
        }
        guard let watcher = watcher.withLock({ $0 }) else { return }
        for token in tokens { watcher.cancel(token) }
    }

    /// How many subscriptions are active (for tests).
    var subscriptionCount: Int { subscriptions.withLock { $0.count } }

    private func sharedWatcher() throws(FileSystemError) -> FileWatcher {
        try watcher.withLock { (current: inout FileWatcher?) throws(FileSystemError) -> FileWatcher in
            if let current { return current }
            let created = try FileWatcher()
            current = created
            return created
        }
    }
}
