import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

/// A scratch workdir, a client that may read and write it, and the file-system module's tools.
struct FileToolFixture: ~Copyable {
    let scratch: ScratchDirectory
    let client: ClientContext
    let tools: [String: ToolDefinition]

    var workdir: String { scratch.file("work") }

    init(permissions: [Permission] = [.fileRead(glob: nil), .fileWrite(glob: nil)], deny: [String] = []) throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("work"), withIntermediateDirectories: false)
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: [
                "c": .init(
                    permissions: permissions,
                    deny: deny,
                    workdir: scratch.file("work"),
                    home: scratch.file("work")
                )
            ],
            cacheLifetime: .zero
        )
        client = ClientContext(
            identity: ClientIdentity(clientID: "c", transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: scratch.file("work"),
            limits: ResourceLimits(listEntries: 1_000),
            rules: rules
        )
        var registry = ToolRegistry()
        FileSystemModule().register(in: &registry)
        tools = Dictionary(uniqueKeysWithValues: registry.tools.map { ($0.name, $0) })
        self.scratch = scratch
    }

    /// Writes a file under the workdir (parents created).
    func write(_ text: String, _ relative: String) throws {
        let path = workdir + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// The text of a file under the workdir.
    func read(_ relative: String) -> String? {
        try? String(contentsOfFile: workdir + "/" + relative, encoding: .utf8)
    }

    /// Calls a tool; a thrown ``ToolError`` becomes an error result, as the tool manager does.
    func call(
        _ name: String,
        _ arguments: [String: JSONValue],
        memoryBudget: MemoryBudget? = nil,
        request: RequestContext = SessionTestSupport.makeContext()
    ) async throws -> ToolResult {
        let tool = try #require(tools[name], "no tool \(name)")
        do {
            return try await tool.handler(
                client,
                ToolCall(name: name, arguments: arguments, request: request, memoryBudget: memoryBudget)
            )
        } catch let error as ToolError {
            return .error(error)
        }
    }

    /// The first text content of a result.
    static func text(_ result: ToolResult) -> String {
        guard case .text(let text) = result.content.first else { return "" }
        return text
    }
}
