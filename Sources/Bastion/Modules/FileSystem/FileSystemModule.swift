import BastionProtocol
public import BastionResources
import BastionSecurity

/// The file-system tools (ARCHITECTURE §4): the reference MCP filesystem server's tools, with the
/// same names, arguments and text output, plus `search_content` and `delete_path`.
///
/// Every path goes through ``FileSystemManager``: the permission check on its canonical form, then a
/// kernel-confined open beneath the client's scope. Failures are `isError` results naming the path.
public struct FileSystemModule: BastionModule {
    let files: FileSystemManager
    private let resources: FileResourceProvider

    /// Creates the module.
    /// - Parameter files: How paths are checked and opened.
    public init(files: FileSystemManager = FileSystemManager()) {
        self.files = files
        self.resources = FileResourceProvider(files: files)
    }

    public var name: String { "filesystem" }

    public func register(in tools: inout ToolRegistry) {
        registerReading(in: &tools)
        registerWriting(in: &tools)
        registerListing(in: &tools)
        registerSearching(in: &tools)
    }

    /// Registers the client's readable files as `file://` resources and the `file:///{+path}` template.
    public func register(in resources: inout ResourceRegistry) {
        resources.register(provider: self.resources)
        resources.registerTemplate(
            "file:///{+path}",
            name: "file",
            description: "A file the client may read, by absolute path (text, or base64 for binary files)",
            permissions: .checkedPerCall(.fileRead)
        ) { [provider = self.resources] client, uri, _ in
            try await provider.read(client: client, uri: uri)
        }
    }

    // MARK: - Shared pieces

    static let readOnly = ToolAnnotations(readOnlyHint: true, openWorldHint: false)

    /// `{content: string}` plus the given data properties: the reference's output shape, extended.
    static func outputSchema(_ properties: [String: JSONValue] = [:], required: [String] = []) -> JSONValue {
        var all = properties
        all["content"] = ["type": "string"]
        return [
            "type": "object", "properties": .object(all),
            "required": .array((["content"] + required).map(JSONValue.string)),
        ]
    }

    /// An object schema with string `path` and the given extra properties.
    static func pathSchema(_ extra: [String: JSONValue] = [:], required: [String] = ["path"]) -> JSONValue {
        var properties: [String: JSONValue] = [
            "path": ["type": "string", "description": "Absolute, ~/…, or relative to your working directory"]
        ]
        properties.merge(extra) { _, new in new }
        return [
            "type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)),
            "additionalProperties": false,
        ]
    }

    /// The reference's result: the text, and `{content: text}` (plus data) as structured content.
    static func result(_ text: String, data: [String: JSONValue] = [:]) -> ToolResult {
        var structured = data
        structured["content"] = .string(text)
        return ToolResult(content: [.text(text)], structuredContent: .object(structured))
    }

    /// Runs a body whose file-system errors become `isError` results.
    static func run<T>(_ body: () throws(FileSystemError) -> T) throws(ToolError) -> T {
        do {
            return try body()
        } catch {
            throw ToolError(error.message, denial: error.denial)
        }
    }

    /// Authorizes a path before a walk whose visitor needs it (patterns relative to it), and records
    /// the canonical path in the call's audit record.
    func authorize(
        _ path: String,
        for access: PermissionManager.Access,
        client: ClientContext,
        call: ToolCall
    ) throws(ToolError)
        -> AuthorizedPath
    {
        do {
            let target = try files.authorize(path, for: access, client: client)
            Self.recordTarget(target, of: call)
            return target
        } catch {
            throw ToolError(error.message, denial: error.denial)
        }
    }

    /// Puts the canonical path a call acts on in its audit record (`path`, `destination`), for
    /// allowed calls as for refused ones: the log must say which file was read, written, moved or
    /// deleted, whatever the client's spelling of it (`a/token=x/../b`) looked like.
    static func recordTarget(_ target: AuthorizedPath, of call: ToolCall, as key: String = "path") {
        call.request.annotate(key, .string(target.path))
    }

    /// A client path argument, refused when absent.
    static func path(_ call: ToolCall, _ key: String = "path") throws(ToolError) -> String {
        guard let path = call.string(key) else { throw ToolError("\"\(key)\" must be a string") }
        return path
    }

    /// Decodes file bytes as UTF-8 text, refusing binary data with a clear message.
    static func text(_ bytes: [UInt8], path: String) throws(FileSystemError) -> String {
        guard !ContentSniffer.isBinary(bytes.prefix(8_192)), let text = String(validating: bytes, as: UTF8.self) else {
            throw FileSystemError(
                .invalid,
                "\"\(path)\" is a binary or non-UTF-8 file; read it with read_media_file"
            )
        }
        return text
    }
}
