import BastionProtocol
import Crypto
import RawStructuredFieldValues

/// RFC 9530 `Content-Digest`: a structured dictionary of digests of the request content, such as
/// `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
///
/// `sha-256` must be present and match; `sha-512`, when present, must match too; algorithms we do
/// not know are ignored (RFC 9530 §2: a recipient ignores what it does not support).
public enum ContentDigest {
    /// Why a `Content-Digest` is refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// The value is not a structured dictionary of byte sequences.
        case malformed
        /// No `sha-256` member.
        case missingSHA256
        /// A digest does not match the content.
        case mismatch
    }

    /// Checks `field` against `body`.
    /// - Parameters:
    ///   - field: The `Content-Digest` value (several lines joined with `", "`).
    ///   - body: The content.
    /// - Throws: ``Refusal``.
    public static func verify(field: String, body: [UInt8]) throws(Refusal) {
        let dictionary: OrderedMap<String, ItemOrInnerList>
        do {
            var parser = StructuredFieldValueParser(Array(field.utf8))
            dictionary = try parser.parseDictionaryFieldValue()
        } catch {
            throw .malformed
        }
        guard let sha256 = try digest(dictionary["sha-256"]) else { throw .missingSHA256 }
        guard sha256 == Array(SHA256.hash(data: body)) else { throw .mismatch }
        if let sha512 = try digest(dictionary["sha-512"]) {
            guard sha512 == Array(SHA512.hash(data: body)) else { throw .mismatch }
        }
    }

    /// The `Content-Digest` value with the `sha-256` of `body`, for clients and tests.
    /// - Parameter body: The content.
    /// - Returns: `sha-256=:BASE64:`.
    public static func sha256Field(for body: [UInt8]) -> String {
        "sha-256=:\(StrictBase64.encode(Array(SHA256.hash(data: body)))):"
    }

    /// The bytes of a byte-sequence member; `nil` when absent.
    private static func digest(_ member: ItemOrInnerList?) throws(Refusal) -> [UInt8]? {
        guard let member else { return nil }
        guard case .item(let item) = member, case .undecodedByteSequence(let text) = item.rfc9651BareItem,
            let bytes = StrictBase64.decode(text)
        else { throw .malformed }
        return bytes
    }
}
