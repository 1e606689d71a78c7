#if canImport(Glibc)
import Glibc
#endif

/// Turns a failed system call of the sandbox set-up into an error naming its step.
enum SandboxSystemCall {
    /// `strerror(errno)` with the number, e.g. `Operation not permitted (errno 1)`.
    static func errorText(_ code: Int32 = errno) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }

    /// Runs `call`; a negative result throws at `step`, naming `action`.
    static func check(_ step: SandboxPolicy.Step, _ action: String, _ call: () -> Int32) throws(SandboxError) {
        guard call() >= 0 else { throw SandboxError(message: "\(action): \(errorText())", step: step) }
    }
}
