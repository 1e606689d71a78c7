import ArgumentParser

/// A start-up failure reported as `Error: <message>` on stderr with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}
