// A minimal MCP server built on the official Swift SDK: one `echo` tool over StdioTransport.
import MCP

let server = Server(
    name: "swift-sdk-echo",
    version: "1.0.0",
    capabilities: .init(tools: .init(listChanged: false))
)

await server.withMethodHandler(ListTools.self) { _ in
    .init(tools: [
        Tool(
            name: "echo",
            description: "Returns its input text unchanged.",
            inputSchema: .object([
                "type": .string("object"),
                "properties": .object(["text": .object(["type": .string("string")])]),
                "required": .array([.string("text")]),
            ])
        )
    ])
}

await server.withMethodHandler(CallTool.self) { params in
    guard params.name == "echo" else {
        return .init(content: [.text("unknown tool: \(params.name)")], isError: true)
    }
    guard let text = params.arguments?["text"]?.stringValue else {
        return .init(content: [.text("missing string argument 'text'")], isError: true)
    }
    return .init(content: [.text(text)], isError: false)
}

try await server.start(transport: StdioTransport())
await server.waitUntilCompleted()
