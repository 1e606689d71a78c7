import BastionProtocol
import BastionResources
import BastionSecurity
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// Shows what `delete_path`, `move_file` and `create_directory` will act on: the canonical paths,
/// authorized exactly as the tools authorize them (the link itself for a delete or a move), whole —
/// never the raw argument, whose `./././…/../../keep` a person cannot read — and, for a recursive
/// delete, how many entries will go and which.
///
/// It only looks (status and a bounded walk), and names only entries the client may read: the text
/// can reach the client itself (approval channel `client`).
struct PathChangePreviewer: ApprovalPreviewer {
    /// How paths are checked and walked.
    let files: FileSystemManager
    /// The most entries a recursive delete's preview counts and lists; more are "at least" this.
    static let maximumListed = 10_000

    var toolNames: Set<String> { ["delete_path", "move_file", "create_directory"] }

    func preview(tool: ToolDefinition, arguments: [String: JSONValue], client: ClientContext) -> ApprovalPreview? {
        do throws(FileSystemError) {
            switch tool.name {
            case "delete_path":
                guard let path = arguments["path"]?.stringValue else { return nil }
                let target = try files.authorize(path, for: .write, client: client, followingLastLink: false)
                return deletePreview(target, recursive: arguments["recursive"]?.boolValue == true, client: client)
            case "move_file":
                guard let source = arguments["source"]?.stringValue,
                    let destination = arguments["destination"]?.stringValue
                else { return nil }
                let from = try files.authorize(source, for: .write, client: client, followingLastLink: false)
                let to = try files.authorize(destination, for: .write, client: client, followingLastLink: false)
                return movePreview(from, to: to, client: client)
            case "create_directory":
                guard let path = arguments["path"]?.stringValue else { return nil }
                let target = try files.authorize(path, for: .write, client: client)
                if kind(of: target) == nil { return ApprovalPreview(title: "Creates the directory \(target.path)") }
                return ApprovalPreview(
                    title: "Creates the directory \(target.path), which exists already: nothing changes"
                )
            default:
                return nil
            }
        } catch {
            return .refused(error.message)
        }
    }

    /// "a file of 12 bytes", "a directory", "a symbolic link"; `nil` when nothing is there.
    func kind(of target: AuthorizedPath) -> String? {
        guard let (info, _) = try? files.status(target) else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link (the link itself, not what it points to)"
        case S_IFREG: return "a file of \(info.st_size) bytes"
        default: return "a special file"
        }
    }

    func movePreview(_ source: AuthorizedPath, to destination: AuthorizedPath, client: ClientContext) -> ApprovalPreview
    {
        guard let what = kind(of: source) else {
            return stamped(
                ApprovalPreview(title: "Moves \(source.path), which does not exist: the call will fail"),
                source
            )
        }
        var title = "Moves \(source.path) (\(what)) to \(destination.path)"
        if kind(of: destination) != nil { title += ", which exists already: the call will fail" }
        guard what == "a directory" else { return stamped(ApprovalPreview(title: title), source) }
        let listing = entries(beneath: source, client: client)
        var preview = ApprovalPreview(title: title + " with \(listing.count):", body: listing.body)
        // Re-checked before the move: entries added meanwhile would go along unseen.
        preview.basis = .tree(source, listing: listing)
        return preview
    }

    func deletePreview(_ target: AuthorizedPath, recursive: Bool, client: ClientContext) -> ApprovalPreview {
        guard let what = kind(of: target) else {
            return stamped(
                ApprovalPreview(title: "Deletes \(target.path), which does not exist: the call will fail"),
                target
            )
        }
        guard what == "a directory" else {
            return stamped(ApprovalPreview(title: "Deletes \(target.path) (\(what))"), target)
        }
        guard recursive else {
            let title = "Deletes the directory \(target.path) if it is empty (recursive is not set)"
            return stamped(ApprovalPreview(title: title), target)
        }
        let listing = entries(beneath: target, client: client)
        var preview = ApprovalPreview(
            title: "Deletes the directory \(target.path) and everything in it: \(listing.count), listed below:",
            body: listing.body
        )
        // Re-checked before the delete: entries moved in meanwhile would be destroyed unseen.
        preview.basis = .tree(target, listing: listing)
        return preview
    }

    /// A preview whose call acts only if the target is still the one shown (same identity, size
    /// and times, or still absent): a file swapped in after the person said yes is not the one
    /// they agreed to delete or move.
    func stamped(_ preview: ApprovalPreview, _ target: AuthorizedPath) -> ApprovalPreview {
        var preview = preview
        preview.basis = ApprovalBasis(
            path: target.path,
            state: ApprovalBasis.state(of: target, files: files, content: nil)
        )
        return preview
    }

    /// The entries beneath a directory: counted and digested up to what the delete or move itself
    /// walks (`list_entries`), listed up to ``maximumListed`` (full paths, one a line). The digest
    /// covers every entry counted, not only those listed, so an entry slipped in past the listing
    /// still makes the approved call stale.
    func entries(
        beneath directory: AuthorizedPath,
        client: ClientContext,
        maximumListed: Int = PathChangePreviewer.maximumListed
    ) -> TreeListing {
        let limit = client.limits.listEntries
        var lines: [String] = []
        var counted = 0
        var hasher = SHA256()
        let summary: FileSystemManager.WalkSummary
        do {
            summary = try files.walk(directory, client: client, maxEntries: limit) { event in
                let line: String
                switch event {
                case .entry(let relative, let entry, _):
                    line = PathBytes.join(directory.path, relative) + (entry.kind == .symlink ? " (link)" : "")
                case .enter(let relative, _):
                    line = PathBytes.join(directory.path, relative) + "/"
                case .leave:
                    return .proceed
                }
                hasher.update(data: Array(line.utf8) + [0])
                counted += 1
                if lines.count < maximumListed { lines.append(line) }
                return .proceed
            }
        } catch {
            let count = "entries that cannot be counted (\(error.message))"
            return TreeListing(count: count, body: "", digest: ApprovalBasis.Digest(Array(count.utf8)))
        }
        var count = summary.reachedLimit ? "at least \(counted) entries" : "\(counted) entries"
        if counted == 1 && !summary.reachedLimit { count = "1 entry" }
        if summary.hidden > 0 { count += " (and \(summary.hidden) this client may not read, not listed)" }
        if summary.tooDeep > 0 { count += " (and \(summary.tooDeep) directories too deep to be counted)" }
        hasher.update(data: Array(count.utf8))
        if counted > lines.count { lines.append("[… \(counted - lines.count) more entries are not listed]") }
        if summary.reachedLimit { lines.append("[… more entries are not listed: the count stopped at \(limit)]") }
        let body = lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
        return TreeListing(
            count: count,
            body: body,
            digest: ApprovalBasis.Digest(count: counted, value: Array(hasher.finalize()))
        )
    }
}

/// What a delete or move preview says of a directory, and the digest its approval is re-checked against.
struct TreeListing: Sendable {
    /// "3 entries", "at least 250000 entries (and 2 this client may not read, not listed)".
    var count: String
    /// The entries listed, one a line.
    var body: String
    /// Every entry counted, and the count line.
    var digest: ApprovalBasis.Digest
}
