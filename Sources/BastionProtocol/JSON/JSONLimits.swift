/// Resource limits the JSON parser enforces before and while it reads untrusted input.
///
/// Both limits exist to bound memory and time for hostile payloads: `maxBytes` is checked before the
/// parser allocates anything, and `maxDepth` is checked before it opens each array or object.
public struct JSONLimits: Sendable, Hashable {
    /// The largest accepted document, in bytes (default 4 MiB).
    public var maxBytes: Int
    /// The deepest accepted nesting of arrays and objects (default 64); `[]` has depth 1, a scalar depth 0.
    ///
    /// The parser and writer are iterative, so any depth is safe for them. Releasing a ``JSONValue`` is
    /// not: Swift destroys nested enums recursively, using roughly 130 (release) to 250 (debug) bytes of
    /// stack per level, so keep this well under 2,000 for code that runs on 512 KiB secondary threads.
    public var maxDepth: Int

    /// Creates a set of limits.
    ///
    /// - Parameters:
    ///   - maxBytes: The largest accepted document, in bytes.
    ///   - maxDepth: The deepest accepted nesting of arrays and objects.
    public init(maxBytes: Int = 4_194_304, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// The defaults: 4 MiB and a depth of 64, ample for MCP messages.
    public static let `default` = JSONLimits()
}
