import BastionSecurity
import Foundation

@testable import BastionResources

/// A scratch tree for file-system tests: `work/` is the client's workdir (read and write granted),
/// `outside/secret.txt` is a file no grant covers.
struct FileSystemFixture: ~Copyable {
    let scratch: ScratchDirectory
    let client: ClientContext
    let manager: FileSystemManager

    var workdir: String { scratch.file("work") }
    var outside: String { scratch.file("outside") }

    /// - Parameters:
    ///   - permissions: The client's grants (default: read and write in the workdir).
    ///   - deny: Its deny globs.
    ///   - protected: Extra protected paths.
    ///   - method: How paths are opened.
    init(
        permissions: [Permission] = [.fileRead(glob: nil), .fileWrite(glob: nil)],
        deny: [String] = [],
        protected: [String] = [],
        method: ConfinedOpener.Method = ConfinedOpener.detected
    ) throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "outside"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        try "top secret\n".write(toFile: scratch.file("outside/secret.txt"), atomically: false, encoding: .utf8)
        let rules = try PermissionManager(
            protectedPaths: protected,
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
        self.client = ClientContext(
            identity: ClientIdentity(clientID: "c", transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: scratch.file("work"),
            limits: ResourceLimits(),
            rules: rules
        )
        self.manager = FileSystemManager(opener: ConfinedOpener(method: method))
        self.scratch = scratch
    }

    /// Writes a text file (parents created).
    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// The text of a file, or `nil`.
    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Creates a symlink `path` → `target`.
    func symlink(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }
}

/// The error `body` throws, or `nil` when it succeeds.
func fileSystemError<T>(_ body: () throws(FileSystemError) -> T) -> FileSystemError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// O_PATH for tests (Glibc's Swift module hides it).
let oPath: Int32 = 0o10000000
