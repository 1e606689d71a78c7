import Logging

/// Sends every log line to stderr: stdout belongs to the MCP stream.
enum StderrLogging {
    /// Bootstraps swift-log once and returns the server's logger.
    static func bootstrap(level: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: level) ?? .info
            return handler
        }
        var logger = Logger(label: "bastion")
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}
