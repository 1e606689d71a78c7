import BastionResources
import Synchronization

/// The server's ``CgroupManager``, shared between the server and its execution module: it is made
/// at start, after the modules were, and the module asks for it when it runs its first child.
final class ChildCgroups: Sendable {
    private let manager = Mutex<CgroupManager?>(nil)

    /// The manager now.
    var current: CgroupManager? { manager.withLock { $0 } }

    /// Replaces the manager.
    func set(_ new: CgroupManager?) { manager.withLock { $0 = new } }
}
