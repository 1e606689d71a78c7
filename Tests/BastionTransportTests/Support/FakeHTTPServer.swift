import BastionProtocol
import BastionTransport
import Logging
import Synchronization

/// An ``HTTPServing`` for the responder's tests: one client (`tester`, or refused when the
/// request presents a token other than `good`), exchanges on a real session with an `echo` and a
/// `test/progress` route, and every refusal and release recorded.
final class FakeHTTPServer: HTTPServing {
    struct Client: Sendable, Hashable { let id: String }

    let refusals = Mutex<[Int]>([])
    let releases = Mutex(0)
    let authentications = Mutex(0)
    /// ``acceptsSignatures``; a signed request is always refused.
    let signs = Mutex(true)

    var acceptsSignatures: Bool { signs.withLock { $0 } }

    func authenticate(
        _ credentials: TransportCredentials,
        transport: String,
        peer: String?
    ) throws(HTTPRefusal) -> Client {
        authentications.withLock { $0 += 1 }
        switch credentials {
        case .anonymous: return Client(id: "tester")
        case .bearerToken(let token) where token == "good": return Client(id: "token-holder")
        default: throw HTTPRefusal.unauthorized(headers: [(name: "WWW-Authenticate", value: "Bearer")])
        }
    }

    func clientID(of client: Client) -> String { client.id }

    func release(_ client: Client) { releases.withLock { $0 += 1 } }

    func exchange(
        _ body: [UInt8],
        headers: MCPRequestHeaders,
        as client: Client
    ) async throws(HTTPRefusal) -> (exchange: MCPExchange, body: MCPExchange.Body) {
        let exchange = MCPExchange(
            headers: headers,
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "bastion-test", version: "1"),
                capabilities: ServerCapabilities(tools: true)
            ),
            router: Self.router,
            observer: TestSession.NoObserver(),
            id: "x-fake",
            logger: TestSession.logger
        )
        let kind = body.withUnsafeBytes { exchange.receive($0) }
        return (exchange, kind)
    }

    /// `tools/call` answers the tool's name; `test/progress` reports progress first.
    static var router: RequestRouter {
        var router = RequestRouter()
        router.on("tools/call") { params, _ in ["content": [["type": "text", "text": params?["name"] ?? "?"]]] }
        router.on("test/slow") { _, _ in
            try? await Task.sleep(for: .milliseconds(300))
            return ["slow": true]
        }
        router.on("test/progress") { _, context in
            context.reportProgress(1, total: 2)
            return [:]
        }
        return router
    }

    func refused(_ refusal: HTTPRefusal, method: String, path: String, clientID: String?, peer: String?) {
        refusals.withLock { $0.append(refusal.status) }
    }

    /// Serves a handshake-era session: its frames into a real session, until they end.
    func serve(_ connection: Connection, as client: Client) async throws(HTTPRefusal) {
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "bastion-test", version: "1"),
                capabilities: ServerCapabilities(tools: true)
            ),
            router: Self.router,
            sink: connection.sink,
            observer: TestSession.NoObserver(),
            id: "s-fake",
            logger: TestSession.logger
        )
        served.withLock { $0 += 1 }
        switch connection.inbound {
        case .source(let source):
            await source.deliver(to: session)
        case .sequence(let frames):
            for await frame in frames {
                if case .message(let bytes) = frame { bytes.withUnsafeBytes { session.receive($0) } }
            }
        }
        await session.close(grace: .seconds(1))
        ended.withLock { $0 += 1 }
    }

    let served = Mutex(0)
    let ended = Mutex(0)
}
