/// Where a task is in its life (tasks.mdx): `working` → `input_required` ⇄ `working` → one of the
/// three terminal statuses, which never change.
enum TaskStatus: String, Sendable, Hashable {
    case working
    case inputRequired = "input_required"
    case completed
    case failed
    case cancelled

    /// `completed`, `failed` and `cancelled` are final.
    var isTerminal: Bool {
        switch self {
        case .working, .inputRequired: return false
        case .completed, .failed, .cancelled: return true
        }
    }
}
