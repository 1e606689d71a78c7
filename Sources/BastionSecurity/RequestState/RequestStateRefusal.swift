/// Why a `requestState` echoed by a client was refused (2026-07-28, basic/patterns/mrtr.mdx: the
/// state is attacker-controlled). Each refusal is answered -32602 "Invalid or expired requestState"
/// whatever the reason — the client learns nothing about the seal —, and the reason goes to the
/// audit record.
package enum RequestStateRefusal: String, Sendable, Hashable, Error {
    /// Not a string, too long, or not the shape Bastion writes.
    case malformed
    /// The seal does not open: altered, made up, or sealed by another process.
    case forged
    /// Sealed for another client.
    case otherClient = "other-client"
    /// Sealed for another request: another method, tool or arguments.
    case otherRequest = "other-request"
    /// Presented after its lifetime.
    case expired
    /// Already used once, or superseded by newer states of the same client.
    case replayed
}
