package import BastionProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The operator's side of the local approval channel (`bastion approve`): finds the servers'
/// sockets, sends one request line and reads one answer line.
package enum ApprovalSocketClient {
    /// One server's socket in the approval directory.
    package struct Endpoint: Sendable, Hashable {
        /// The server's process id, from the file name.
        package var pid: Int32
        /// The socket's path.
        package var path: String
    }

    /// How one exchange with a server ended.
    package enum Outcome: Sendable {
        /// The server answered.
        case answer(JSONValue)
        /// Nobody listens there and its process is gone: the socket file was removed.
        case stale
        /// The server could not be reached or answered nonsense.
        case failure(ApprovalError)
    }

    /// The sockets in `directory` that this user owns, by pid; an absent directory has none.
    /// - Parameter directory: The approval directory.
    /// - Returns: The endpoints, lowest pid first.
    package static func endpoints(in directory: String) -> [Endpoint] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var found: [Endpoint] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = ApprovalDirectory.pid(ofSocketName: name) else { continue }
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { continue }
            // Only a socket of this user's servers: one another user (a client's child) planted
            // here could show a harmless preview for a real call (review 9, finding 12).
            guard info.st_uid == geteuid() else { continue }
            found.append(Endpoint(pid: pid, path: path))
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// Sends `request` to one server; removes its socket when it is stale.
    ///
    /// A socket is stale when connecting is refused (or the file vanished) and no process has its
    /// pid any more; a live process keeps its file even when it does not answer (it may be starting).
    /// - Parameters:
    ///   - request: The request object.
    ///   - endpoint: The server.
    /// - Returns: The outcome.
    package static func send(_ request: JSONValue, to endpoint: Endpoint) -> Outcome {
        do {
            return .answer(try exchange(request, socket: endpoint.path))
        } catch let failure as ConnectFailure {
            if failure.code == ECONNREFUSED || failure.code == ENOENT, !isAlive(endpoint.pid) {
                unlink(endpoint.path)
                return .stale
            }
            return .failure(failure.error)
        } catch {
            return .failure(error as? ApprovalError ?? ApprovalError("\(error)"))
        }
    }

    private struct ConnectFailure: Error {
        var code: Int32
        var error: ApprovalError
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// One request, one answer.
    private static func exchange(_ request: JSONValue, socket path: String) throws -> JSONValue {
        let fd = try UnixSocket.make()
        defer { close(fd) }
        let status = try UnixSocket.withAddress(path) { connect(fd, $0, $1) }
        guard status == 0 else {
            let code = errno
            throw ConnectFailure(code: code, error: .system("cannot connect to \(path)", errno: code))
        }
        UnixSocket.setTimeouts(fd, seconds: ApprovalSocketServer.connectionTimeoutSeconds)
        var line = JSONWriter.encode(request)
        line.append(UInt8(ascii: "\n"))
        if let code = UnixSocket.writeAll(fd, line) {
            throw ApprovalError.system("cannot write to \(path)", errno: code)
        }
        guard case .line(let answer) = UnixSocket.readLine(fd, maxBytes: ApprovalWireProtocol.maxResponseBytes) else {
            throw ApprovalError("no answer from \(path)")
        }
        do {
            return try JSONParser.parse(answer, limits: JSONLimits(maxBytes: ApprovalWireProtocol.maxResponseBytes))
        } catch {
            throw ApprovalError("unreadable answer from \(path): \(error)")
        }
    }
}
