import BastionProtocol
import BastionSecurity

/// The first line the server sends a client's isolation worker: what it needs to build the same
/// client context and the same tools as the server, and nothing it does not need.
///
/// The configuration is the effective one rendered as TOML with the worker's own client only —
/// without its authentication settings, its `deny` list holding the other clients' workdirs as
/// the server's rules do — and without transports: a worker never authenticates anyone, and a
/// worker subverted through a bug must learn nothing of the other clients (review 8, finding 16).
/// Two setups that are equal build the same worker, so a reload keeps the workers whose setup it
/// does not change (finding 13).
struct WorkerSetup: Sendable, Hashable {
    /// The rendered configuration.
    var configuration: String
    /// The client the worker serves.
    var clientID: String
    /// What `~` stands for.
    var home: String
    /// Bastion's own files, which the client may never write (``BastionServer/protectedPaths``).
    var protectedPaths: [String]
    /// The transport the client is connected through, for the context's description.
    var transport: String

    /// The setup for one client of a configuration, `nil` when the configuration has no such client.
    init?(
        configuration: BastionConfiguration,
        clientID: String,
        home: String,
        protectedPaths: [String],
        transport: String
    ) {
        guard var client = configuration.clients.first(where: { $0.id == clientID }),
            let rules = configuration.registryClients(home: home).first(where: { $0.id == clientID })?.rules
        else { return nil }
        client.auth = ClientAuthConfiguration()
        client.deny = rules.deny
        var reduced = configuration
        reduced.http = nil
        reduced.dbus = nil
        reduced.clients = [client]
        self.configuration = reduced.renderedTOML()
        self.clientID = clientID
        self.home = home
        self.protectedPaths = protectedPaths
        self.transport = transport
    }

    var json: JSONValue {
        [
            "setup": [
                "configuration": .string(configuration), "client": .string(clientID), "home": .string(home),
                "protected": .array(protectedPaths.map(JSONValue.string)), "transport": .string(transport),
            ]
        ]
    }

    init?(json: JSONValue) {
        guard let setup = json["setup"], let configuration = setup["configuration"]?.stringValue,
            let clientID = setup["client"]?.stringValue, let home = setup["home"]?.stringValue,
            let protected = setup["protected"]?.arrayValue, let transport = setup["transport"]?.stringValue
        else { return nil }
        self.configuration = configuration
        self.clientID = clientID
        self.home = home
        self.protectedPaths = protected.compactMap(\.stringValue)
        self.transport = transport
    }
}
