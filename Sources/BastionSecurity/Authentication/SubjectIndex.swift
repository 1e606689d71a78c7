/// Which client claims a subject (a certificate's, a token's): built once per client list, read
/// per request. A subject two clients claim is reachable by neither (fail closed).
struct SubjectIndex: Sendable {
    private let clients: [String: String]

    /// Indexes `clients` by the subject `subject` gives each (none: not indexed).
    init(_ clients: [ClientManager.Client], subject: (ClientManager.Client) -> String?) {
        var map: [String: String] = [:]
        for client in clients {
            guard let key = subject(client) else { continue }
            map[key] = map[key] == nil ? client.id : ""
        }
        self.clients = map.filter { !$0.value.isEmpty }
    }

    /// The client claiming `subject`, if exactly one does.
    subscript(subject: String) -> String? { clients[subject] }
}
