import Logging
import Testing

@testable import Bastion
@testable import BastionResources

struct IsolationWorkersTests {
    static func workers(_ modes: [String: IsolationMode]) -> IsolationWorkers {
        var configuration = BastionConfiguration(server: ServerConfiguration(auditLog: "/dev/null"))
        configuration.clients = modes.keys.sorted().map { id in
            ClientConfiguration(id: id, workdir: "/tmp/\(id)", permissions: [], isolation: modes[id] ?? .inProcess)
        }
        return IsolationWorkers(
            configuration: configuration,
            protectedPaths: [],
            home: "/root",
            manager: LazyValue { ExecutionManager() },
            logger: Logger(label: "test")
        )
    }

    @Test("Only clients configured with isolation = process are isolated")
    func isolatedClients() {
        #expect(Self.workers(["a": .inProcess]).isEmpty)
        #expect(!Self.workers(["a": .inProcess, "b": .process]).isEmpty)
    }
}
