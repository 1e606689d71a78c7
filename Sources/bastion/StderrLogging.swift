import Logging

/// Sends every log line to stderr (stdout belongs to the MCP stream), escaped, bounded and
/// scrubbed of secrets (``StderrLogHandler``).
enum StderrLogging {
    /// Bootstraps swift-log once and returns the server's logger.
    static func bootstrap(level: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = Logger.Level(rawValue: level) ?? .info
            return handler
        }
        var logger = Logger(label: "bastion")
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}
