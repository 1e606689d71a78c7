import BastionProtocol
import Logging

/// Builders for a real session in transport tests.
enum TestSession {
    static let logger = Logger(label: "bastion.transport.tests") { _ in SwiftLogNoOpLogHandler() }

    /// A session with an `echo` route, writing to `sink`.
    static func make(sink: any MessageSink, limits: JSONLimits = .default) -> MCPSession {
        var router = RequestRouter()
        router.on("echo") { params, _ in params ?? [:] }
        let configuration = MCPSession.Configuration(
            identity: ServerIdentity(name: "bastion-test", version: "1"),
            capabilities: ServerCapabilities(tools: true),
            limits: limits
        )
        return MCPSession(
            configuration: configuration,
            router: router,
            sink: sink,
            observer: NoObserver(),
            id: "s-transport",
            logger: logger
        )
    }

    struct NoObserver: SessionObserver {
        func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? { nil }
    }

    static let initialize =
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
}
