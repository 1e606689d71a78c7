import BastionProtocol

/// An approval basis on the worker pipe: an approved file change is checked against it in the
/// worker, just before the write, as in the server.
extension ApprovalBasis {
    var workerJSON: JSONValue {
        var members: [String: JSONValue] = ["path": .string(path)]
        switch state {
        case .absent:
            members["state"] = "absent"
        case .present(let stamp, let content):
            members["state"] = "present"
            members["stamp"] = .array(stamp.fields.map { .int($0) })
            if let content { members["content"] = content.workerJSON }
        case .tree(let digest):
            members["state"] = "tree"
            members["content"] = digest.workerJSON
        }
        return .object(members)
    }

    init?(workerJSON json: JSONValue) {
        guard let path = json["path"]?.stringValue else { return nil }
        switch json["state"]?.stringValue {
        case "absent":
            self.init(path: path, state: .absent)
        case "present":
            guard let fields = json["stamp"]?.arrayValue?.compactMap(\.intValue), let stamp = Stamp(fields: fields)
            else { return nil }
            var content: Digest?
            if let digest = json["content"] {
                guard let decoded = Digest(workerJSON: digest) else { return nil }
                content = decoded
            }
            self.init(path: path, state: .present(stamp, content: content))
        case "tree":
            guard let digest = json["content"].flatMap(Digest.init(workerJSON:)) else { return nil }
            self.init(path: path, state: .tree(digest))
        default:
            return nil
        }
    }
}

extension ApprovalBasis.Stamp {
    /// The fields in declaration order.
    var fields: [Int64] {
        [
            Int64(bitPattern: device), Int64(bitPattern: inode), Int64(mode), size, modified,
            Int64(modifiedNanoseconds), changed, Int64(changedNanoseconds),
        ]
    }

    init?(fields: [Int64]) {
        guard fields.count == 8, let mode = UInt32(exactly: fields[2]) else { return nil }
        self.init(
            device: UInt64(bitPattern: fields[0]),
            inode: UInt64(bitPattern: fields[1]),
            mode: mode,
            size: fields[3],
            modified: fields[4],
            modifiedNanoseconds: Int(fields[5]),
            changed: fields[6],
            changedNanoseconds: Int(fields[7])
        )
    }
}

extension ApprovalBasis.Digest {
    var workerJSON: JSONValue {
        ["count": .int(Int64(count)), "sha256": .array(value.map { .int(Int64($0)) })]
    }

    init?(workerJSON json: JSONValue) {
        guard let count = json["count"]?.intValue, count >= 0, let bytes = json["sha256"]?.arrayValue,
            bytes.count == 32
        else { return nil }
        let value = bytes.compactMap { $0.intValue.flatMap(UInt8.init(exactly:)) }
        guard value.count == 32 else { return nil }
        self.init(count: Int(count), value: value)
    }
}
