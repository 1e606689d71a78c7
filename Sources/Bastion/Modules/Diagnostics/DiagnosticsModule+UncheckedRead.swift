import BastionProtocol
import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension DiagnosticsModule {
    /// The environment variable that adds `read_unchecked` (tests only).
    static let uncheckedReadVariable = "BASTION_TEST_UNCHECKED_READ"

    /// `read_unchecked`: reads any path with a plain `open(2)`, no permission check at all, when
    /// `BASTION_TEST_UNCHECKED_READ=1` (never in a real deployment). It stands for a bug in a
    /// path check: in-process it reads whatever the server can; in an isolation worker the
    /// kernel refuses what is outside the client's scope. Tests use it to prove the second.
    func registerUncheckedRead(in tools: inout ToolRegistry) {
        guard let value = getenv(Self.uncheckedReadVariable), String(cString: value) == "1" else { return }
        tools.register(
            name: "read_unchecked",
            title: "Read Without Checks (tests only)",
            description: "TEST ONLY: reads up to 64 KiB of any path without any permission check.",
            inputSchema: [
                "type": "object", "properties": ["path": ["type": "string"]], "required": ["path"],
                "additionalProperties": false,
            ],
            annotations: .readOnly,
            permissions: .public
        ) { _, call in
            try .text(Self.readUnchecked(call.string("path") ?? ""))
        }
    }

    static func readUnchecked(_ path: String) throws(ToolError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ToolError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 65_536)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw ToolError("read \(path): \(String(cString: strerror(errno)))") }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }
}
