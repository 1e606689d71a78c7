import Bastion
import BastionProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The operator's view of the calls waiting for approval, gathered from every server's socket.
enum ApprovalQueue {
    /// One waiting call.
    struct Item {
        var id: String
        var client: String
        var tool: String
        var summary: String
        var description: String
        var ageMs: Int64
        var pid: Int32
        /// What the call will do (only from `show`).
        var preview: String? = nil

        /// The item for `--json`.
        var json: JSONValue {
            [
                "id": .string(id), "client": .string(client), "tool": .string(tool), "summary": .string(summary),
                "description": .string(description), "age_ms": .int(ageMs), "pid": .int(Int64(pid)),
            ]
        }
    }

    /// What a server said when it took an answer.
    struct Receipt {
        var client: String
        var tool: String
    }

    /// The approval directory of this environment.
    static func directory() throws(CommandFailure) -> String {
        guard let directory = ApprovalDirectory.path() else {
            throw CommandFailure("no approval directory: set BASTION_APPROVAL_DIR, XDG_RUNTIME_DIR or HOME")
        }
        return directory
    }

    /// Every waiting call of every reachable server, oldest first.
    static func pending() throws(CommandFailure) -> [Item] {
        var items: [Item] = []
        for endpoint in ApprovalSocketClient.endpoints(in: try directory()) {
            guard let answer = reach(endpoint, with: ApprovalWireProtocol.listRequest) else { continue }
            guard answer["ok"] == true, let entries = answer["pending"]?.arrayValue else {
                warn("server \(endpoint.pid): \(answer["error"]?.stringValue ?? "unexpected answer")")
                continue
            }
            items += entries.compactMap { item(from: $0, pid: endpoint.pid) }
        }
        return items.sorted { $0.ageMs > $1.ageMs }
    }

    /// One waiting call with its preview, from the server that holds it.
    static func show(_ id: String) throws(CommandFailure) -> Item {
        for endpoint in ApprovalSocketClient.endpoints(in: try directory()) {
            guard let answer = reach(endpoint, with: ApprovalWireProtocol.showRequest(id: id)), answer["ok"] == true,
                let request = answer["request"], var item = item(from: request, pid: endpoint.pid)
            else { continue }
            item.preview = request["preview"]?.stringValue
            return item
        }
        throw CommandFailure(unknown(id))
    }

    /// Everything `bastion approve show` prints: the description, what the call will do, the footer.
    static func page(_ item: Item) -> String {
        var text = item.description
        if let preview = item.preview { text += "\n\n" + preview }
        return text + "\nId: \(item.id) · waiting for \(age(item.ageMs)) · server pid \(item.pid)\n"
    }

    /// Sends an `allow`/`deny` to the servers until one knows the id.
    static func answer(_ request: JSONValue, id: String) throws(CommandFailure) -> Receipt {
        for endpoint in ApprovalSocketClient.endpoints(in: try directory()) {
            guard let answer = reach(endpoint, with: request), answer["ok"] == true else { continue }
            return Receipt(client: answer["client"]?.stringValue ?? "?", tool: answer["tool"]?.stringValue ?? "?")
        }
        throw CommandFailure(unknown(id))
    }

    /// The message for an id nobody knows.
    static func unknown(_ id: String) -> String {
        "no pending approval \(id) (unknown, already answered or expired); see `bastion approve list`"
    }

    /// The `list` table.
    static func table(_ items: [Item]) -> String {
        let rows =
            [["ID", "AGE", "CLIENT", "TOOL", "SUMMARY"]]
            + items.map { [$0.id, age($0.ageMs), $0.client, $0.tool, $0.summary] }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            (0..<4).map { row[$0].padding(to: widths[$0]) }.joined(separator: "  ") + "  " + row[4]
        }.joined(separator: "\n")
    }

    /// `42s`, `3m05s`, `1h02m`.
    static func age(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds / 1000)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + String(seconds % 60).padded(2) + "s" }
        return "\(seconds / 3600)h" + String(seconds / 60 % 60).padded(2) + "m"
    }

    private static func reach(_ endpoint: ApprovalSocketClient.Endpoint, with request: JSONValue) -> JSONValue? {
        switch ApprovalSocketClient.send(request, to: endpoint) {
        case .answer(let answer):
            return answer
        case .stale:
            return nil
        case .failure(let error):
            warn("server \(endpoint.pid): \(error.message)")
            return nil
        }
    }

    private static func item(from json: JSONValue, pid: Int32) -> Item? {
        guard let id = json["id"]?.stringValue, let client = json["client"]?.stringValue,
            let tool = json["tool"]?.stringValue
        else { return nil }
        return Item(
            id: id,
            client: client,
            tool: tool,
            summary: json["summary"]?.stringValue ?? "",
            description: json["description"]?.stringValue ?? "",
            ageMs: json["age_ms"]?.intValue ?? 0,
            pid: pid
        )
    }

    private static func warn(_ text: String) {
        let line = Array("warning: \(text)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
