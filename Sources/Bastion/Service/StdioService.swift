import BastionProtocol
import BastionSecurity
import BastionTransport
import Logging
import ServiceLifecycle

/// The stdio transport as a service: one connection for the life of the process, served by the
/// ``BastionService``; its end of input stops the whole server, as an MCP client expects.
struct StdioService: Service {
    let service: BastionService
    let connection: Connection
    let client: ClientContext
    /// The connection's writer: its last answers may still be waiting for the client to read them.
    var sink: FileDescriptorSink? = nil

    /// How long the last answers may wait for a client that is slow to read them before exit.
    static let flushGrace: Duration = .seconds(2)

    func run() async throws {
        // A connection cut short by the server's own shutdown needs no second reason.
        try? await service.serve(connection, as: client)
        service.requestShutdown(reason: "end of input")
        await sink?.waitUntilWritten(timeout: Self.flushGrace)
    }
}
