import BastionProtocol
import BastionResources
import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension FileSystemModule {
    func registerReading(in tools: inout ToolRegistry) {
        let lines: JSONValue = ["type": "integer", "minimum": 1, "maximum": 10_000_000]
        let textInput = Self.pathSchema([
            "head": lines.merging(["description": "Return only the first N lines"]),
            "tail": lines.merging(["description": "Return only the last N lines"]),
        ])
        for (name, title, deprecated) in [
            ("read_text_file", "Read Text File", false), ("read_file", "Read File (Deprecated)", true),
        ] {
            tools.register(
                name: name,
                title: title,
                description: (deprecated ? "DEPRECATED: use read_text_file. " : "")
                    + "Read a UTF-8 text file. Use head or tail to read only the first or last N lines "
                    + "(memory stays proportional to the lines returned, so tail works on huge logs). "
                    + "Only works within allowed directories.",
                inputSchema: textInput,
                outputSchema: Self.outputSchema(["truncated": ["type": "boolean"]]),
                annotations: Self.readOnly,
                permissions: .checkedPerCall(.fileRead)
            ) { client, call in try await readText(client, call) }
        }
        tools.register(
            name: "read_media_file",
            title: "Read Media File",
            description: "Read an image or audio file (or any file) and return it base64-encoded with its MIME type. "
                + "Only works within allowed directories.",
            inputSchema: Self.pathSchema(),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try await readMedia(client, call) }
        tools.register(
            name: "read_multiple_files",
            title: "Read Multiple Files",
            description: "Read several text files at once; each is returned with its path, and a file that "
                + "fails is reported inline without stopping the others. Only works within allowed directories.",
            inputSchema: [
                "type": "object",
                "properties": [
                    "paths": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 1_000]
                ],
                "required": ["paths"], "additionalProperties": false,
            ],
            outputSchema: Self.outputSchema(),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try await readMultiple(client, call) }
    }

    func readText(_ client: ClientContext, _ call: ToolCall) async throws -> ToolResult {
        let path = try Self.path(call)
        let head = call.integer("head").map(Int.init)
        let tail = call.integer("tail").map(Int.init)
        guard head == nil || tail == nil else { throw ToolError("Cannot specify both head and tail") }
        guard head != nil || tail != nil else {
            let (target, read) = try Self.run { () throws(FileSystemError) in
                let target = try files.authorize(path, for: .read, client: client)
                Self.recordTarget(target, of: call)
                return (target, try files.openForWholeRead(target, maxBytes: client.limits.readBytes))
            }
            try await call.memory.reserveForTool(Self.textAnswerBytes(read.byteCount))
            return try Self.run { () throws(FileSystemError) in
                let text = try Self.text(try read.read(), path: target.path)
                return Self.result(text, data: ["truncated": false])
            }
        }
        return try await readWindow(client, call, path: path, head: head, tail: tail ?? 0)
    }

    /// The first `head` (or else the last `tail`) lines of a file, read within a memory reservation
    /// for the most the window can hold: first for a window of ``probeWindowBytes`` (enough for most
    /// heads and tails); when the lines go beyond it, that reservation is released before one for the
    /// whole read limit is taken, so the call never waits for memory while holding some.
    func readWindow(
        _ client: ClientContext,
        _ call: ToolCall,
        path: String,
        head: Int?,
        tail: Int
    ) async throws -> ToolResult {
        let (target, file, size) = try Self.run { () throws(FileSystemError) in
            let target = try files.authorize(path, for: .read, client: client)
            Self.recordTarget(target, of: call)
            let (file, info) = try files.openRegularFile(target)
            return (target, file, Int64(info.st_size))
        }
        // A pseudo-file reporting 0 bytes (`/proc`) is read up to what a whole read would take of it.
        let fileBytes = size > 0 ? Int(size) : WholeFileRead.pseudoFileBytes
        let limit = client.limits.readBytes
        var window = min(limit, Self.probeWindowBytes)
        while true {
            let bound = LineWindow.readBound(maxBytes: window, fileBytes: fileBytes)
            // While reading, the window holds the bytes and the text made of them (for `head`, the buffer
            // that grows and the one it grows into); then the text and its message, as a whole read's.
            let reservation = try await call.memory.reserveProvisionallyForTool(Self.textAnswerBytes(bound))
            let excerpt = try Self.run { () throws(FileSystemError) in
                try Self.lineWindow(path: target.path) { () throws(LineWindowError) in
                    if let head {
                        return try LineWindow.head(fd: file.raw, lines: head, maxBytes: window, fileBytes: fileBytes)
                    }
                    return try LineWindow.tail(fd: file.raw, size: size, lines: tail, maxBytes: window)
                }
            }
            guard excerpt.isTruncated, window < limit else {
                call.memory.hold(reservation)
                var text = excerpt.text
                if excerpt.isTruncated { text += "\n[truncated at \(client.limits.readMB) MiB]" }
                return Self.result(text, data: ["truncated": .bool(excerpt.isTruncated)])
            }
            reservation?.release()
            window = limit
        }
    }

    /// Maps the line window's error to a file-system error naming the path.
    static func lineWindow(
        path: String,
        _ body: () throws(LineWindowError) -> LineWindow.Excerpt
    ) throws(FileSystemError) -> LineWindow.Excerpt {
        do {
            return try body()
        } catch {
            throw FileSystemError(.invalid, "\"\(path)\": \(error.message)")
        }
    }

    func readMedia(_ client: ClientContext, _ call: ToolCall) async throws -> ToolResult {
        let path = try Self.path(call)
        let (target, read) = try Self.run { () throws(FileSystemError) in
            let target = try files.authorize(path, for: .read, client: client)
            Self.recordTarget(target, of: call)
            return (target, try files.openForWholeRead(target, maxBytes: client.limits.readBytes))
        }
        // Reserved before reading: the bytes, then their Base64 in the message, until it is written.
        try await call.memory.reserveForTool(Self.mediaAnswerBytes(read.byteCount))
        let bytes = try Self.run { () throws(FileSystemError) in try read.read() }
        let extensionName = target.path.split(separator: "/").last?.split(separator: ".").dropFirst().last ?? ""
        let mimeType = ContentSniffer.mimeType(forPathExtension: String(extensionName).lowercased())
        // Encoded once, when the answer is written, straight into its output buffer.
        let data = Base64Payload(encoding: consume bytes)
        let content: ToolContent
        if mimeType.hasPrefix("image/") {
            content = .image(base64: data, mimeType: mimeType)
        } else if mimeType.hasPrefix("audio/") {
            content = .audio(base64: data, mimeType: mimeType)
        } else {
            content = .resourceBlob(uri: FileURI.encode(target.path), mimeType: mimeType, base64: data)
        }
        return ToolResult(content: [content])
    }

    /// Reads several files into one answer. First what each file takes is found (each opened, then
    /// closed: a call with a thousand paths never holds a thousand descriptors), then the whole answer
    /// is reserved at once, then the files are read, none beyond what was reserved for it. So a call
    /// waits for memory only while it holds none (two calls each holding part of the budget while
    /// waiting for the rest would starve each other, and every other session); one that needs more than
    /// the whole budget is refused at once.
    func readMultiple(_ client: ClientContext, _ call: ToolCall) async throws -> ToolResult {
        let paths = call.arguments["paths"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var remaining = client.limits.readBytes
        var plans: [Result<Int, ToolError>] = []
        var textBytes = 0
        for path in paths {
            do throws(ToolError) {
                let byteCount = try Self.run { () throws(FileSystemError) in
                    let target = try files.authorize(path, for: .read, client: client)
                    return try files.openForWholeRead(target, maxBytes: max(0, remaining)).byteCount
                }
                remaining -= byteCount
                textBytes += byteCount
                plans.append(.success(byteCount))
            } catch {
                plans.append(.failure(error))
            }
            textBytes += Self.multipleFileFrameBytes(path)
        }
        do {
            call.memory.hold(try await call.memory.reserveProvisionally(Self.multipleAnswerBytes(textBytes)))
        } catch {
            if error.code == .cancelled { throw CancellationError() }
            let advice = error.code == .tooLarge ? " (or fewer files per call)" : ""
            throw ToolError(error.message + advice)
        }
        var parts: [String] = []
        var targets: [JSONValue] = []
        var denial: PermissionDenial?
        for (path, plan) in zip(paths, plans) {
            do throws(ToolError) {
                let byteCount = try plan.get()
                let text = try Self.run { () throws(FileSystemError) in
                    let target = try files.authorize(path, for: .read, client: client)
                    // A file that grew since it was measured is refused: its bytes were not reserved.
                    let read = try files.openForWholeRead(target, maxBytes: byteCount)
                    let text = try Self.text(try read.read(), path: target.path)
                    targets.append(.string(target.path))  // only what was read
                    return text
                }
                parts.append("\(path):\n\(text)\n")
            } catch {
                parts.append("\(path): Error - \(error.message)")
                if denial == nil { denial = error.denial }
            }
        }
        // The canonical paths read go to the audit record (`paths`), and the first refused one
        // (`path`, with its denial); the others are in its `args`.
        call.request.annotate("paths", .array(targets))
        var result = Self.result(parts.joined(separator: "\n---\n"))
        result.denial = denial
        return result
    }

    /// What one file of ``readMultiple(_:_:)`` adds to the text besides its bytes, at most: its path,
    /// the separator, and an error message naming the path.
    static func multipleFileFrameBytes(_ path: String) -> Int {
        2 * path.utf8.count + 1_024
    }

    /// What answering with several files' text holds at most, `textBytes` being their bytes and frames:
    /// each file's text kept in its part, the parts joined, and that text in its message as
    /// ``textAnswerBytes(_:)`` (which also covers the file being read).
    static func multipleAnswerBytes(_ textBytes: Int) -> Int {
        textBytes + textAnswerBytes(textBytes)
    }

    /// What answering with a file's Base64 holds at most: the bytes read and their encoding in the
    /// message being written, plus the message's envelope.
    static func mediaAnswerBytes(_ fileBytes: Int) -> Int {
        fileBytes + Base64.encodedCount(fileBytes) + answerEnvelopeBytes
    }

    /// What answering with a file's text holds at most: the bytes read (then the string made of them)
    /// and, in the message being written, the text twice (`content` and `structuredContent`) with its
    /// escapes (estimated at a quarter more: line feeds, quotes, tabs).
    static func textAnswerBytes(_ fileBytes: Int) -> Int {
        fileBytes + 2 * (fileBytes + fileBytes / 4) + answerEnvelopeBytes
    }

    /// The window of a head or tail read within a first, small reservation.
    static let probeWindowBytes = 1 << 20

    /// The message around a large value: its other members and the room left for them.
    static let answerEnvelopeBytes = 128 << 10
}

extension JSONValue {
    /// An object with `other`'s members added (for building schemas).
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members.merge(other) { _, new in new }
        return .object(members)
    }
}
