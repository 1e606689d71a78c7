public import BastionSecurity

/// A run could not start, was refused, or its sandbox failed: the message is for the model.
public struct ExecutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, compared by value; new kinds may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case invalidRequest, denied, notFound, busy, spawnFailed, sandboxFailed
        }
        private let kind: Kind

        /// The request itself is malformed (empty command, bad timeout, bad environment name).
        public static let invalidRequest = Code(kind: .invalidRequest)
        /// A permission check refused the command, the working directory or the option.
        public static let denied = Code(kind: .denied)
        /// The executable, interpreter or working directory does not exist.
        public static let notFound = Code(kind: .notFound)
        /// The client already runs as many children as it may.
        public static let busy = Code(kind: .busy)
        /// The sandbox process could not be started.
        public static let spawnFailed = Code(kind: .spawnFailed)
        /// `sandbox-exec` refused to run the child (a step failed, a required feature is missing).
        public static let sandboxFailed = Code(kind: .sandboxFailed)

        public var description: String { "\(kind)" }
    }

    /// The kind of failure.
    public var code: Code
    /// What the model reads.
    public var message: String
    /// The permission refusal behind a ``Code/denied`` error, for the audit record.
    public var denial: PermissionDenial?
    /// Where the error was made.
    public var location: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What the model reads.
    ///   - denial: The permission refusal, when a check refused the call.
    public init(
        _ code: Code,
        _ message: String,
        denial: PermissionDenial? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.denial = denial
        self.location = "\(fileID):\(line)"
    }

    public var description: String { message }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.message == rhs.message }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
