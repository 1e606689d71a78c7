/// Guesses what a file holds from its first bytes or its name, for read tools and file resources.
public enum ContentSniffer {
    /// How many leading bytes ``isBinary(_:)`` looks at.
    public static let sampleSize = 8 * 1024

    /// Whether a file whose content starts with `prefix` should be treated as binary.
    ///
    /// Only the first ``sampleSize`` bytes are examined. They are binary if they contain a NUL byte or are not valid
    /// UTF-8 (overlong forms, surrogates and code points above U+10FFFF are invalid). A multi-byte sequence cut off
    /// by the end of the sample is accepted, since the sample may end in the middle of a character.
    /// - Parameter prefix: The first bytes of the file, ideally ``sampleSize`` of them or the whole file.
    /// - Returns: `true` for binary or non-UTF-8 content; `false` for UTF-8 text, including empty content.
    public static func isBinary(_ prefix: some Collection<UInt8>) -> Bool {
        let sample = Array(prefix.prefix(sampleSize))
        if sample.contains(0) {
            return true
        }
        var index = 0
        while index < sample.count {
            switch UTF8Validation.sequence(in: sample, at: index) {
            case .valid(let length): index += length
            case .truncated: return false
            case .invalid: return true
            }
        }
        return false
    }

    /// The MIME type for a file name extension, case-insensitively, with or without the leading dot.
    ///
    /// The image and audio types are exactly the reference server's `read_media_file` table; the text types serve
    /// file resources. Anything else is `application/octet-stream`.
    /// - Parameter pathExtension: An extension such as `png`, `.JPG` or `swift`.
    /// - Returns: The MIME type.
    public static func mimeType(forPathExtension pathExtension: String) -> String {
        // path-bytes: a file-name extension mapped to a media type, no access decision
        let key = pathExtension.hasPrefix(".") ? pathExtension.dropFirst().lowercased() : pathExtension.lowercased()
        return mimeTypes[key] ?? "application/octet-stream"
    }

    /// Whether content of this MIME type can be returned as text: `text/*`, JSON, XML, YAML, TOML, JavaScript,
    /// shell scripts and any `+json` or `+xml` type (so `image/svg+xml` is text). Parameters such as
    /// `; charset=utf-8` are ignored.
    /// - Parameter mimeType: A MIME type.
    /// - Returns: `true` if the type is textual.
    public static func isTextMimeType(_ mimeType: String) -> Bool {
        // path-bytes: a MIME type
        let essence = mimeType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let type = essence.lowercased().filter { $0 != " " && $0 != "\t" }
        if type.hasPrefix("text/") || type.hasSuffix("+json") || type.hasSuffix("+xml") {  // path-bytes: a MIME type
            return true
        }
        return textApplicationTypes.contains(type)
    }

    private static let textApplicationTypes: Set<String> = [
        "application/json", "application/xml", "application/yaml", "application/toml", "application/javascript",
        "application/x-sh", "application/x-yaml",
    ]

    private static let mimeTypes: [String: String] = [
        // The reference server's read_media_file table.
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "bmp": "image/bmp", "svg": "image/svg+xml", "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg",
        "flac": "audio/flac",
        // Text types for file resources.
        "txt": "text/plain", "text": "text/plain", "log": "text/plain", "md": "text/markdown",
        "markdown": "text/markdown", "json": "application/json", "html": "text/html", "htm": "text/html",
        "css": "text/css", "js": "text/javascript", "mjs": "text/javascript", "ts": "text/typescript",
        "swift": "text/x-swift", "py": "text/x-python", "toml": "application/toml", "yaml": "application/yaml",
        "yml": "application/yaml", "xml": "application/xml", "csv": "text/csv", "sh": "application/x-sh",
    ]
}
