import BastionProtocol
import BastionSecurity
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Keeps a client's MCP roots (roots.mdx) in its context: asked for once the session is
/// initialized and again on `notifications/roots/list_changed`. The file-system layer narrows the
/// client's scope to the intersection of these roots and its grants.
enum ClientRoots {
    /// Roots considered at most; a longer list is cut (each root costs a `realpath`).
    static let maximumRoots = 256

    /// Sessions with a `roots/list` in flight, and whether another was asked for meanwhile: a
    /// storm of `roots/list_changed` notifications costs at most one request at a time.
    private static let inFlight = Mutex<[ObjectIdentifier: Bool]>([:])

    /// Asks the client for its roots, if it offers them, and records their canonical directories.
    ///
    /// Roots that are not `file://` URIs of existing directories are skipped. An empty or failed
    /// answer leaves the scope as it was, like the reference server.
    static func refresh(session: MCPSession, client: ClientContext, logger: Logger) {
        guard session.clientInfo?.supportsRoots == true else { return }
        let key = ObjectIdentifier(session)
        let isFirst = inFlight.withLock { requests -> Bool in
            guard requests[key] == nil else {
                requests[key] = true  // ask again when the current request is answered
                return false
            }
            requests[key] = false
            return true
        }
        guard isFirst else { return }
        Task {
            var again = true
            while again {
                await ask(session: session, client: client, logger: logger)
                again = inFlight.withLock { requests -> Bool in
                    if requests[key] == true {
                        requests[key] = false
                        return true
                    }
                    requests[key] = nil
                    return false
                }
            }
        }
    }

    private static func ask(session: MCPSession, client: ClientContext, logger: Logger) async {
        let roots: [MCPSession.Root]
        do throws(JSONRPCError) {
            roots = try await session.listRoots()
        } catch {
            logger.warning("roots/list failed; keeping the client's scope", metadata: ["error": "\(error.message)"])
            return
        }
        let directories = roots.prefix(maximumRoots).compactMap { canonicalDirectory($0.uri) }
        guard !directories.isEmpty else {
            logger.notice("The client offered no usable roots; its scope stays as it was")
            return
        }
        client.setOfferedRoots(directories)
        logger.info("Scope narrowed to the client's roots", metadata: ["roots": "\(directories.count)"])
    }

    /// The canonical path of a `file://` URI naming an existing directory.
    static func canonicalDirectory(_ uri: String) -> String? {
        guard let path = FileURI.decode(uri), path.hasPrefix("/"), let resolved = realpath(path, nil) else {
            return nil
        }
        defer { free(resolved) }
        var info = stat()
        let canonical = String(cString: resolved)
        guard stat(canonical, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        return canonical
    }
}
