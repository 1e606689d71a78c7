import BastionProtocol
import BastionSecurity

extension RequestContext {
    /// Notes a permission refusal for the request's audit record: `"decision":"deny"`, the
    /// permission, the canonical path and the rule (over any `allow` noted before), and
    /// `"outcome":"denied"` (a caller whose request went on in part notes its own outcome after).
    /// - Parameter denial: The refusal.
    func note(_ denial: PermissionDenial) {
        for (key, value) in denial.auditFields { annotate(key, value) }
        annotate("outcome", "denied")
    }
}
