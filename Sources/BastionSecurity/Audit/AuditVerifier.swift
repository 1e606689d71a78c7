import BastionProtocol

/// Checks the hash chain of an audit file written by ``AuditLogger``.
///
/// For each line, in a single streaming pass: it must parse as a JSON object; its `hash` must equal
/// the SHA-256 of its canonical form re-derived from the parsed value (an edited byte shows here);
/// `seq` must be one more than the previous record's (the first record's is 1); and `prev` must equal
/// the previous record's `hash` (64 zeros for the first), so deleted, inserted and reordered records
/// show. A last line without a line feed is a write cut short by a crash: it is ignored with a
/// warning. So is a fragment of a record (a line that starts like one but does not parse) that a
/// crash or a full disk left before the writer came back, when the very next record is the
/// writer's `audit-recovered` record and continues the chain; anywhere else it is a bad record. When a head (`<file>.head`, ``AuditChainHead``) is given, the file must reach the head's
/// `seq` with the head's `hash` at it, so a truncated tail shows too.
///
/// A file that starts a chain begins at `seq` 1 with `prev` 64 zeros. A file written after a
/// rotation (``AuditRotation``) instead begins with an `event: "rotate"` record whose `prev` is the
/// last hash of the file before: checked alone, it is reported as continuing a chain from that
/// `seq` (``AuditVerification/continuedSequence``) and everything within it is still checked;
/// checked after that file (``verify(paths:)``), its first record must continue it exactly.
public enum AuditVerifier {
    /// Verifies one audit file and, if it exists, its `.head` file.
    ///
    /// - Parameter path: The audit file.
    /// - Returns: The verification result; ``AuditVerification/failure`` names the first bad record.
    /// - Throws: ``AuditError`` when the file (or an existing head file) cannot be read.
    public static func verify(path: String) throws(AuditError) -> AuditVerification {
        try verify(path: path, after: nil)
    }

    /// Verifies files that form one chain, oldest first (`audit.jsonl.2`, `audit.jsonl.1`,
    /// `audit.jsonl`): each must continue the one before it. A file after a broken one (or one that
    /// could not be read) is checked on its own.
    ///
    /// - Parameter paths: The files, oldest first.
    /// - Returns: One result per file, or the error reading it.
    public static func verify(paths: [String]) -> [Result<AuditVerification, AuditError>] {
        var results: [Result<AuditVerification, AuditError>] = []
        var previous: AuditVerification? = nil
        for path in paths {
            let result = Result { () throws(AuditError) in try verify(path: path, after: previous) }
            previous = try? result.get()
            if previous?.isIntact != true || previous?.lastHash == nil { previous = nil }
            results.append(result)
        }
        return results
    }

    private static func verify(
        path: String,
        after previous: AuditVerification?
    ) throws(AuditError)
        -> AuditVerification
    {
        let head = try AuditChainHead.read(from: AuditChainHead.path(for: path))
        var reader = try AuditLineReader(path: path)
        var checker = AuditChainChecker(head: head)
        if let previous, let sequence = previous.lastSequence, let hash = previous.lastHash {
            checker.expectContinuation(of: sequence, hash: hash)
        }
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
    /// Whether the first record may continue a chain from elsewhere (not told which one).
    private var isStartOpen = true
    /// The line of a torn record fragment, when the line just checked was one: only an
    /// `audit-recovered` record continuing the chain may follow it.
    private var fragmentLine: Int?

    /// Creates a checker.
    ///
    /// - Parameter head: The chain head kept beside the file, if any.
    package init(head: AuditChainHead?) {
        self.head = head
    }

    /// Requires the first record to continue a chain ending at `sequence` with `hash` (the file
    /// before, when several are verified in order).
    package mutating func expectContinuation(of sequence: Int64, hash: String) {
        expectedSequence = sequence + 1
        previousHash = hash
        isStartOpen = false
        result.continuedSequence = sequence
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
            guard fragmentLine == nil, line.first == UInt8(ascii: "{") else { return fail(nil, "not a JSON object") }
            fragmentLine = lineNumber  // judged with the next line
            return true
        }
        if let fragment = fragmentLine {
            guard record["event"]?.stringValue == "audit-recovered" else { return failFragment(at: fragment) }
            fragmentLine = nil
            result.warnings.append(
                "line \(fragment): a torn record (a write cut short), followed by an audit-recovered record; ignored"
            )
        }
        guard let sequence = record["seq"]?.intValue else { return fail(nil, "no seq") }
        guard let hash = record["hash"]?.stringValue, AuditCanonicalForm.isHash(hash) else {
            return fail(sequence, "no hash")
        }
        guard AuditCanonicalForm.hash(AuditCanonicalForm.encode(record)) == hash else {
            return fail(sequence, "hash does not match the record's content (record edited)")
        }
        if result.recordCount == 0, let problem = checkStart(record, sequence: sequence) {
            return fail(sequence, problem)
        }
        guard sequence == expectedSequence else {
            return fail(
                sequence,
                "expected seq \(expectedSequence) (record deleted, inserted or reordered)"
            )
        }
        guard record["prev"]?.stringValue == previousHash else {
            let previous =
                sequence == 1
                ? "the start of the file"
                : result.recordCount == 0 ? "the end of the previous file" : "record seq \(sequence - 1)"
            return fail(sequence, "prev does not match the hash of \(previous)")
        }
        if let head, head.sequence == sequence {
            guard head.hash == hash else { return fail(sequence, "hash differs from the head file's") }
            isHeadMatched = true
        }
        result.recordCount += 1
        result.lastSequence = sequence
        result.lastHash = hash
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
        if result.failure == nil, let fragment = fragmentLine {
            result.failure = .init(line: fragment, sequence: nil, reason: "not a JSON object")
        }
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

    /// The first record: seq 1 starts a chain; otherwise, unless the previous file was given, it
    /// must be a `rotate` record, and the chain is taken to continue from its `prev`.
    private mutating func checkStart(_ record: [String: JSONValue], sequence: Int64) -> String? {
        guard isStartOpen, sequence != 1 else { return nil }
        guard record["event"]?.stringValue == "rotate", let prev = record["prev"]?.stringValue,
            AuditCanonicalForm.isHash(prev), sequence > 1
        else {
            return "expected seq 1 or a rotate record at the start of the file (records deleted?)"
        }
        expectedSequence = sequence
        previousHash = prev
        result.continuedSequence = sequence - 1
        return nil
    }

    /// A torn fragment not followed by the writer's recovery: the fragment is the bad record.
    private mutating func failFragment(at line: Int) -> Bool {
        result.failure = .init(
            line: line,
            sequence: nil,
            reason: "not a JSON object (a torn record not followed by audit-recovered)"
        )
        return false
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
