import Synchronization

/// Bastion's own files and directories that no child may see (`SandboxPolicy/hiddenPaths`),
/// shared between the server and its execution module: the configuration file is known only once
/// the command line has been read, after the modules were made, and the module asks for the list
/// when it runs its first child.
final class ChildHiddenPaths: Sendable {
    private let paths = Mutex<[String]>([])

    /// The paths now.
    var current: [String] { paths.withLock { $0 } }

    /// Replaces the list.
    func set(_ new: [String]) { paths.withLock { $0 = new } }
}
