import BastionProtocol

/// Checks the hash chain of an audit file written by ``AuditLogger``.
///
/// For each line, in a single streaming pass: it must parse as a JSON object; its `hash` must equal
/// the SHA-256 of its canonical form re-derived from the parsed value (an edited byte shows here);
/// `seq` must be one more than the previous record's (the first record's is 1); and `prev` must equal
/// the previous record's `hash` (64 zeros for the first), so deleted, inserted and reordered records
/// show. A last line without a line feed is a write cut short by a crash: it is ignored with a
/// warning. When a head (`<file>.head`, ``AuditChainHead``) is given, the file must reach the head's
/// `seq` with the head's `hash` at it, so a truncated tail shows too.
public enum AuditVerifier {
    /// Verifies one audit file and, if it exists, its `.head` file.
    ///
    /// - Parameter path: The audit file.
    /// - Returns: The verification result; ``AuditVerification/failure`` names the first bad record.
    /// - Throws: ``AuditError`` when the file (or an existing head file) cannot be read.
    public static func verify(path: String) throws(AuditError) -> AuditVerification {
        let head = try AuditChainHead.read(from: AuditChainHead.path(for: path))
        var reader = try AuditLineReader(path: path)
        var checker = AuditChainChecker(head: head)
        try reader.forEachLine { line, isTerminated in
            checker.check(line, isTerminated: isTerminated)
        }
        return checker.finish()
    }
}

/// The per-line state machine behind ``AuditVerifier``; fed one line at a time.
package struct AuditChainChecker {
    private let head: AuditChainHead?
    private var result = AuditVerification()
    private var lineNumber = 0
    /// The line of the last good record.
    private var lastGoodLine = 0
    private var expectedSequence: Int64 = 1
    private var previousHash = AuditCanonicalForm.genesisHash
    private var isHeadMatched = false

    /// Creates a checker.
    ///
    /// - Parameter head: The chain head kept beside the file, if any.
    package init(head: AuditChainHead?) {
        self.head = head
    }

    /// Checks the next line.
    ///
    /// - Parameters:
    ///   - line: The line's bytes, without its line feed.
    ///   - isTerminated: Whether the line ended in a line feed.
    /// - Returns: `false` once a bad record was found (checking stops at the first).
    package mutating func check(_ line: UnsafeRawBufferPointer, isTerminated: Bool) -> Bool {
        lineNumber += 1
        guard isTerminated else {
            result.warnings.append("line \(lineNumber): last line has no line feed (a write cut short); ignored")
            return true
        }
        guard case .object(let record)? = try? JSONParser.parse(line, limits: .auditRecord) else {
            return fail(nil, "not a JSON object")
        }
        guard let sequence = record["seq"]?.intValue else { return fail(nil, "no seq") }
        guard let hash = record["hash"]?.stringValue, AuditCanonicalForm.isHash(hash) else {
            return fail(sequence, "no hash")
        }
        guard AuditCanonicalForm.hash(AuditCanonicalForm.encode(record)) == hash else {
            return fail(sequence, "hash does not match the record's content (record edited)")
        }
        guard sequence == expectedSequence else {
            return fail(
                sequence,
                "expected seq \(expectedSequence) (record deleted, inserted or reordered)"
            )
        }
        guard record["prev"]?.stringValue == previousHash else {
            let previous = sequence == 1 ? "the start of the file" : "record seq \(sequence - 1)"
            return fail(sequence, "prev does not match the hash of \(previous)")
        }
        if let head, head.sequence == sequence {
            guard head.hash == hash else { return fail(sequence, "hash differs from the head file's") }
            isHeadMatched = true
        }
        result.recordCount += 1
        result.lastSequence = sequence
        lastGoodLine = lineNumber
        expectedSequence = sequence + 1
        previousHash = hash
        return true
    }

    /// Ends the check: applies the head's `seq` to the end of the file.
    ///
    /// - Returns: The result.
    package func finish() -> AuditVerification {
        var result = result
        if result.failure == nil, let head, !isHeadMatched, head.sequence > 0 {
            let last = result.lastSequence.map { "seq \($0)" } ?? "no record"
            result.failure = .init(
                line: lastGoodLine + 1,
                sequence: head.sequence,
                reason: "missing: the head file names seq \(head.sequence) but the log ends at \(last) (truncated)"
            )
        }
        return result
    }

    private mutating func fail(_ sequence: Int64?, _ reason: String) -> Bool {
        result.failure = .init(line: lineNumber, sequence: sequence, reason: reason)
        return false
    }
}

extension JSONLimits {
    /// Limits for one audit line: records are redacted, so a megabyte is generous.
    static let auditRecord = JSONLimits(maxBytes: 1 << 20, maxDepth: 64)
}
