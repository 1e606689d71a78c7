#if canImport(Glibc)
import Glibc
#endif

/// Stops the fuzzer with a message when an invariant does not hold.
///
/// libFuzzer treats the abort as a crash: it saves the input as `crash-…` and prints how to replay it.
/// - Parameters:
///   - condition: The invariant.
///   - message: What was expected, with the values that broke it.
package func fuzzCheck(
    _ condition: Bool,
    _ message: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) {
    guard !condition else { return }
    var text = "fuzz invariant failed at \(file):\(line): \(message())\n"
    text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    abort()
}
