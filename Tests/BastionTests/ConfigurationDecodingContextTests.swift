import Testing

@testable import Bastion

struct ConfigurationDecodingContextTests {
    private let context = ConfigurationDecodingContext(
        file: "f.toml",
        sourceMap: TOMLSourceMap(source: "\n[server]\nname = 1\n"),
        paths: ConfigurationPaths(environment: ["HOME": "/h"], baseDirectory: "/base")
    )

    @Test("Errors carry the file, the located position and the key path")
    func error() {
        let error = context.error(.invalidValue, at: ConfigKeyPath.root.appending("server").appending("name"), "bad")
        #expect(error.description == "f.toml:3:1: server.name: bad")
        #expect(error.code == .invalidValue)
    }

    @Test("location names the line when known")
    func location() {
        #expect(context.location(of: ConfigKeyPath.root.appending("server")) == "line 2")
    }

    @Test("Globs must be non-empty and free of NUL and line breaks", arguments: ["", "a\u{0}", "a\nb", "a\rb"])
    func badGlobs(glob: String) {
        #expect(throws: ConfigurationError.self) { try context.checkGlob(glob, at: .root) }
    }

    @Test("Paths must be non-empty and free of control characters, and resolve against the base")
    func paths() throws {
        #expect(try context.resolvePath("x", at: .root) == "/base/x")
        #expect(throws: ConfigurationError.self) { try context.resolvePath("", at: .root) }
        #expect(throws: ConfigurationError.self) { try context.resolvePath("a\tb", at: .root) }
    }
}
