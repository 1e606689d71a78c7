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

    @Test("The worker may read the directories of the libraries this process loaded")
    func libraryDirectories() {
        let directories = IsolationWorkers.libraryDirectories
        #expect(!directories.isEmpty)
        #expect(directories.allSatisfy { $0.hasPrefix("/") && !$0.hasSuffix("/") })
        #expect(Set(directories).count == directories.count)
    }

    @Test("The worker runs the server's own binary, by its canonical path")
    func ownExecutable() throws {
        let path = try #require(IsolationWorkers.ownExecutable())
        #expect(path.hasPrefix("/") && !path.hasPrefix("/proc/"))
    }
}
