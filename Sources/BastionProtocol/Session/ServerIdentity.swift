/// How the server introduces itself in `initialize`.
public struct ServerIdentity: Sendable, Hashable {
    /// `serverInfo.name`.
    public var name: String
    /// `serverInfo.version`.
    public var version: String
    /// `serverInfo.title` (sent from 2025-06-18 on).
    public var title: String?
    /// `instructions`: what the client's model should know about this server.
    public var instructions: String?

    /// Creates a server identity.
    public init(name: String, version: String, title: String? = nil, instructions: String? = nil) {
        self.name = name
        self.version = version
        self.title = title
        self.instructions = instructions
    }
}
