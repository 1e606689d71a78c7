package import BastionProtocol
import Crypto

/// The bytes an audit record's `hash` is computed over, shared by the writer and the verifier.
///
/// The canonical form of a record is the record object *without* its `hash` member, written by
/// ``JSONWriter``: compact, keys sorted by their UTF-8 bytes, so equal values always give equal bytes.
/// The verifier re-derives it from the parsed line and never hashes the line's own bytes, so
/// whitespace or key order on disk cannot matter and any change of a value does.
/// `hash` is the lowercase hex SHA-256 (FIPS 180-4) of these bytes; `prev` is the previous record's
/// `hash`, or ``genesisHash`` for the first record of a file.
package enum AuditCanonicalForm {
    /// The `prev` of the first record of a file: 64 zeros.
    package static let genesisHash = String(repeating: "0", count: 64)

    /// The canonical encoding of a record.
    ///
    /// - Parameter record: The record's members; a `hash` member, if present, is left out.
    /// - Returns: The compact, key-sorted JSON of the record without `hash`.
    package static func encode(_ record: [String: JSONValue]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        if record["hash"] == nil {
            JSONWriter.write(.object(record), into: &output)
        } else {
            var members = record
            members["hash"] = nil
            JSONWriter.write(.object(members), into: &output)
        }
        return output
    }

    /// The hex SHA-256 of a canonical encoding.
    ///
    /// - Parameter canonical: Bytes from ``encode(_:)``.
    /// - Returns: 64 lowercase hex digits.
    package static func hash(_ canonical: [UInt8]) -> String {
        hex(SHA256.hash(data: canonical))
    }

    /// The line written to the audit file: the canonical form with `"hash":"…"` as its last member.
    ///
    /// - Parameters:
    ///   - canonical: Bytes from ``encode(_:)``, a non-empty JSON object.
    ///   - hash: The record's hash, from ``hash(_:)``.
    /// - Returns: The line, ending in a line feed.
    package static func line(canonical: [UInt8], hash: String) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(canonical.count + 80)
        line.append(contentsOf: canonical.dropLast())
        if canonical.count > 2 { line.append(UInt8(ascii: ",")) }
        line.append(contentsOf: #""hash":""#.utf8)
        line.append(contentsOf: hash.utf8)
        line.append(contentsOf: "\"}\n".utf8)
        return line
    }

    /// Whether `text` looks like a hash: 64 lowercase hex digits.
    ///
    /// - Parameter text: The candidate.
    /// - Returns: `true` for 64 characters from `0-9a-f`.
    package static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ digest: SHA256.Digest) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        appendHex(digest, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 64 lowercase hex digits of `digest` to `bytes`.
    static func appendHex(_ digest: SHA256.Digest, to bytes: inout [UInt8]) {
        for byte in digest {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}
