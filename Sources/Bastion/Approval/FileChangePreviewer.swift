import BastionProtocol
import BastionResources
import BastionSecurity

/// Shows what `write_file` and `edit_file` will do: the whole new content of a file created, and a
/// unified diff when a file the client may read is replaced or edited.
///
/// It reads the existing file only through the same checks as the tools (canonical path, kernel
/// confinement), and shows its content only when the client may read it: the description can reach
/// the client itself (approval channel `client`), which must not learn through it what it cannot read.
struct FileChangePreviewer: ApprovalPreviewer {
    /// How the file is checked and read.
    let files: FileSystemManager
    /// The largest existing file diffed; a larger one is named with its size only.
    static let maximumDiffBytes = 1 << 20

    var toolNames: Set<String> { ["write_file", "edit_file"] }

    /// What is at the path now.
    enum Existing {
        case absent
        case text(String)
        /// There is a file, but its content is not shown (why).
        case hidden(String)
    }

    func preview(tool: ToolDefinition, arguments: [String: JSONValue], client: ClientContext) -> ApprovalPreview? {
        guard let path = arguments["path"]?.stringValue else { return nil }
        let target: AuthorizedPath
        do {
            target = try files.authorize(path, for: .write, client: client)
        } catch {
            return .refused(error.message)
        }
        let (existing, bytes) = read(target, client: client)
        var preview =
            tool.name == "edit_file"
            ? editPreview(target, existing: existing, arguments: arguments)
            : writePreview(target, existing: existing, content: arguments["content"]?.stringValue ?? "")
        preview.basis = basis(target, existing: existing, bytes: bytes)
        return preview
    }

    /// What the preview was computed from: nothing there, or the file's stamp and (when read) its bytes.
    func basis(_ target: AuthorizedPath, existing: Existing, bytes: [UInt8]?) -> ApprovalBasis {
        if case .absent = existing { return ApprovalBasis(path: target.path, state: .absent) }
        let state = ApprovalBasis.state(of: target, files: files, content: bytes)
        return ApprovalBasis(path: target.path, state: state)
    }

    func writePreview(_ target: AuthorizedPath, existing: Existing, content: String) -> ApprovalPreview {
        let size = "\(content.utf8.count) bytes"
        switch existing {
        case .absent:
            return ApprovalPreview(title: "Creates \(target.path) with this content (\(size)):", body: content)
        case .text(let original) where content.utf8.count <= Self.maximumDiffBytes:
            return ApprovalPreview(
                title: "Replaces \(target.path) (\(original.utf8.count) → \(size)); the changes:",
                body: UnifiedDiff.make(original: original, modified: content, path: target.path)
            )
        case .text(let original):
            return ApprovalPreview(
                title: "Replaces \(target.path) (\(original.utf8.count) bytes) with this content (\(size)):",
                body: content
            )
        case .hidden(let reason):
            return ApprovalPreview(
                title:
                    "Replaces \(target.path) (its current content is not shown: \(reason)) with this content (\(size)):",
                body: content
            )
        }
    }

    func editPreview(_ target: AuthorizedPath, existing: Existing, arguments: [String: JSONValue]) -> ApprovalPreview {
        let dryRun = arguments["dryRun"]?.boolValue == true ? " (dry run: nothing is written)" : ""
        guard case .text(let original) = existing else {
            if case .hidden(let reason) = existing {
                return ApprovalPreview(title: "Edits \(target.path)\(dryRun); the changes are not shown: \(reason)")
            }
            return ApprovalPreview(title: "Edits \(target.path)\(dryRun), which does not exist: the call will fail")
        }
        let edits = (arguments["edits"]?.arrayValue ?? []).map { edit in
            TextEdit(oldText: edit["oldText"]?.stringValue ?? "", newText: edit["newText"]?.stringValue ?? "")
        }
        do throws(TextEditError) {
            let modified = try TextEditor.apply(edits, to: original)
            return ApprovalPreview(
                title: "Edits \(target.path)\(dryRun); the changes:",
                body: UnifiedDiff.make(original: original, modified: modified, path: target.path)
            )
        } catch {
            return ApprovalPreview(title: "Edits \(target.path)\(dryRun); the edits do not apply: \(error.message)")
        }
    }

    /// The current content, when there is a text file the client may read and it is small enough,
    /// and the bytes read (what a diff was made from).
    func read(_ target: AuthorizedPath, client: ClientContext) -> (Existing, [UInt8]?) {
        let bytes: [UInt8]
        do {
            let readable = try files.authorize(target.path, for: .read, client: client)
            bytes = try files.readFile(readable, maxBytes: min(client.limits.readBytes, Self.maximumDiffBytes))
        } catch {
            switch error.kind {
            case .notFound: return (.absent, nil)
            case .denied: return (.hidden("this client may not read it"), nil)
            case .limit: return (.hidden("it is larger than \(Self.maximumDiffBytes) bytes"), nil)
            default: return (.hidden(error.message), nil)
            }
        }
        guard !ContentSniffer.isBinary(bytes.prefix(ContentSniffer.sampleSize)),
            let text = String(validating: bytes, as: UTF8.self)
        else { return (.hidden("it is a binary file of \(bytes.count) bytes"), bytes) }
        return (.text(text), bytes)
    }
}
