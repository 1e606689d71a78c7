import BastionProtocol
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// An entry's members encoded once, in canonical (key-sorted) order, before the logger takes its
/// locks; under the locks only `prev`, `seq` and `ts` are spliced in and the line is hashed.
///
/// Hot path: building a `[String: JSONValue]` with the owned members and letting ``JSONWriter``
/// sort it again under the lock cost a dictionary copy, a key array and a sort per record while
/// other writers waited. Here the sort happens once, outside the lock, and the line is assembled
/// in one reused buffer. The bytes are exactly ``AuditCanonicalForm/encode(_:)`` of the record
/// (same writer, same order), which the tests check against the verifier — of the record as
/// written, that is with every secret found by value replaced (``SecretScanner``).
struct AuditRecordBody {
    /// The length of the line, give or take the width of `seq`: for the rotation check.
    var estimatedLineLength: Int { bytes.count + 220 }

    /// The entry's own members as `"key":value`, comma-separated within each run.
    private var bytes: [UInt8] = []
    /// Run boundaries in `bytes`: members sorting before `prev`, before `seq`, before `ts`, and after.
    private var cuts = (0, 0, 0)

    /// The members the logger owns (`seq`, `ts`, `prev`, `hash`, see ``isOwned(_:)``); an entry's
    /// own are dropped so they cannot forge the chain.
    /// The owned members spliced in by ``appendLine(sequence:previous:to:)``, in canonical order.
    private static let spliced = ["prev", "seq", "ts"]

    /// Encodes an entry's members (dropping any owned key).
    init(_ members: [String: JSONValue]) {
        var sorted: [(key: String, value: JSONValue)] = []
        sorted.reserveCapacity(members.count)
        for member in members where !Self.isOwned(member.key) { sorted.append(member) }
        self.init(sorted: &sorted)
    }

    /// Encodes an entry straight from its parts, as ``AuditEntry/members()`` would give them but
    /// without building that dictionary (a copy of `fields` and up to six inserts per record).
    /// - Parameter node: The logger's `node` member; an entry's own `node` gives way to it.
    init(_ entry: AuditEntry, node: String? = nil) {
        var sorted: [(key: String, value: JSONValue)] = []
        sorted.reserveCapacity(entry.fields.count + 7)
        for member in entry.fields where !Self.isOwned(member.key) && !entry.names(member.key) {
            if node != nil, member.key == "node" { continue }
            sorted.append(member)
        }
        if let node { sorted.append(("node", .string(node))) }
        sorted.append(("event", .string(entry.event)))
        if let client = entry.client { sorted.append(("client", .string(client))) }
        if let transport = entry.transport { sorted.append(("transport", .string(transport))) }
        if let session = entry.session { sorted.append(("session", .string(session))) }
        if let method = entry.method { sorted.append(("method", .string(method))) }
        if let requestID = entry.requestID { sorted.append(("id", requestID)) }
        self.init(sorted: &sorted)
    }

    /// Whether a top-level field is one only the server sets, to the canonical path (`path`,
    /// `destination`) or paths (`paths`) it resolved. Compared, not hashed: every string of every
    /// record passes here.
    static func isServerPathKey(_ key: String) -> Bool {
        key == "path" || key == "paths" || key == "destination"
    }

    private init(sorted: inout [(key: String, value: JSONValue)]) {
        Self.sortByKey(&sorted)
        bytes.reserveCapacity(64 * sorted.count)
        var cutList: [Int] = []
        cutList.reserveCapacity(3)
        var isRunStart = true
        for (key, value) in sorted {
            // "prev" < "seq" < "ts" in UTF-8 order: close a run at each owned key passed.
            while cutList.count < 3, Self.spliced[cutList.count].utf8.lexicographicallyPrecedes(key.utf8) {
                cutList.append(bytes.count)
                isRunStart = true
            }
            if !isRunStart { bytes.append(UInt8(ascii: ",")) }
            isRunStart = false
            Self.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            // Every string of every record is scanned for secrets by value (``SecretScanner``): error
            // messages, tool names and request ids echo client input as much as `args` do.
            if Self.isServerPathKey(key), let masked = Self.maskedPaths(value) {
                // The canonical targets the server resolved (the client's spelling stays scanned whole
                // inside `args`): scanned one segment at a time, so a name that looks like a secret
                // is masked without hiding which file a call read or changed.
                JSONWriter.write(masked, into: &bytes)
            } else if case .string(let text) = value {
                Self.appendString(SecretScanner.redacted(text) ?? text, to: &bytes)
            } else {
                JSONWriter.write(SecretScanner.redacted(value) ?? value, into: &bytes)
            }
        }
        while cutList.count < 3 { cutList.append(bytes.count) }
        cuts = (cutList[0], cutList[1], cutList[2])
    }

    /// A path or an array of paths, each masked segment by segment; `nil` for anything else.
    static func maskedPaths(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .string(let path):
            return .string(SecretScanner.redactedPath(path) ?? path)
        case .array(let elements) where elements.allSatisfy({ $0.stringValue != nil }):
            return .array(elements.map { maskedPaths($0) ?? $0 })
        default:
            return nil
        }
    }

    /// Sorts members by key in UTF-8 byte order. Hot path (every record, a dozen keys or more):
    /// each key's first eight bytes are read once into an integer whose order is theirs, so most
    /// of the comparisons a sort makes are one integer compare; only keys sharing those eight
    /// bytes are compared whole (``precedes(_:_:)``).
    static func sortByKey(_ members: inout [(key: String, value: JSONValue)]) {
        guard members.count > 1 else { return }
        var order: [(prefix: UInt64, index: Int)] = []
        order.reserveCapacity(members.count)
        for index in members.indices { order.append((keyPrefix(members[index].key), index)) }
        order.sort { lhs, rhs in
            lhs.prefix != rhs.prefix
                ? lhs.prefix < rhs.prefix : precedes(members[lhs.index].key, members[rhs.index].key)
        }
        members = order.map { members[$0.index] }
    }

    /// The first eight UTF-8 bytes of `key`, big-endian, zero-padded: integer order is byte
    /// order (a shorter key that is a prefix of a longer one comes first, keys hold no NUL;
    /// equal prefixes are settled by the whole keys).
    static func keyPrefix(_ key: String) -> UInt64 {
        var prefix: UInt64 = 0
        var count = 0
        for byte in key.utf8 {
            prefix = prefix << 8 | UInt64(byte)
            count += 1
            if count == 8 { break }
        }
        return prefix << (8 * UInt64(8 - count))
    }

    /// UTF-8 byte order, as ``JSONWriter`` sorts keys, with one `memcmp` instead of a generic
    /// walk over two `UTF8View`s (a record's dozen keys take some forty comparisons).
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                let common = min(left.count, right.count)
                if common > 0, let a = left.baseAddress, let b = right.baseAddress {
                    let order = memcmp(a, b, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }

    /// A JSON string exactly as ``JSONWriter`` writes it: copied between quotes when nothing needs
    /// escaping (keys and most values), otherwise left to the writer.
    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        let isPlain = text.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if !isPlain { JSONWriter.write(.string(text), into: &bytes) }
    }

    /// Whether `key` is one of the logger's own members (plain comparisons: no hashing per key).
    static func isOwned(_ key: String) -> Bool {
        key == "seq" || key == "ts" || key == "prev" || key == "hash"
    }

    /// Appends the complete line (canonical form, then `"hash"`, then a line feed) to `line`.
    ///
    /// - Parameters:
    ///   - sequence: The record's `seq`.
    ///   - previous: The previous record's hash (`prev`).
    ///   - line: The output buffer (its existing bytes are kept, e.g. a leading line feed).
    /// - Returns: The record's hash, and where its `ts` value (without quotes) is in `line`.
    func appendLine(
        sequence: Int64,
        previous: String,
        to line: inout [UInt8]
    ) -> (hash: String, timestamp: Range<Int>) {
        let start = line.count
        line.append(UInt8(ascii: "{"))
        var needsComma = false
        func run(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            if needsComma { line.append(UInt8(ascii: ",")) }
            line.append(contentsOf: bytes[range])
            needsComma = true
        }
        func owned(_ key: StaticString, _ body: (inout [UInt8]) -> Void) {
            if needsComma { line.append(UInt8(ascii: ",")) }
            line.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { line.append(contentsOf: $0) }
            line.append(contentsOf: "\":".utf8)
            body(&line)
            needsComma = true
        }
        run(0..<cuts.0)
        owned("prev") { JSONWriter.write(.string(previous), into: &$0) }
        run(cuts.0..<cuts.1)
        owned("seq") { JSONWriter.write(.int(sequence), into: &$0) }
        run(cuts.1..<cuts.2)
        var timestamp = 0..<0
        owned("ts") {
            $0.append(UInt8(ascii: "\""))
            let from = $0.count
            AuditTimestamp.appendNow(to: &$0)
            timestamp = from..<$0.count
            $0.append(UInt8(ascii: "\""))
        }
        run(cuts.2..<bytes.count)
        line.append(UInt8(ascii: "}"))
        let digest = line.withUnsafeBytes { SHA256.hash(data: UnsafeRawBufferPointer(rebasing: $0[start...])) }
        line.removeLast()
        line.append(contentsOf: #","hash":""#.utf8)
        let hashStart = line.count
        AuditCanonicalForm.appendHex(digest, to: &line)
        let hash = String(decoding: line[hashStart...], as: UTF8.self)
        line.append(contentsOf: "\"}\n".utf8)
        return (hash, timestamp)
    }
}
