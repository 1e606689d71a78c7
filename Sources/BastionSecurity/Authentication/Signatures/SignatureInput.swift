import BastionProtocol
import RawStructuredFieldValues

/// One signature of a request, read from its `Signature-Input` and `Signature` members under a
/// label (RFC 9421 §4.1, §4.2): the covered components, the parameters, the signature bytes.
///
/// Sizes are bounded before anything is parsed; a member of the wrong type, a missing `created`,
/// `keyid` or `nonce`, or a parameter of the wrong type is refused. Other labels are ignored.
struct SignatureInput: Sendable, Hashable {
    /// The longest `Signature-Input` or `Signature` looked at (all lines together).
    static let maximumFieldBytes = 8 << 10
    /// The most covered components.
    static let maximumComponents = 32
    /// The longest `nonce` and `keyid`.
    static let maximumNonceBytes = 256
    /// The longest decoded signature (Ed25519: 64 bytes, HMAC-SHA256: 32).
    static let maximumSignatureBytes = 512

    /// The member's inner list, re-serialized as the `@signature-params` line.
    let parameters: InnerList
    /// The covered component names, in order.
    let components: [String]
    /// `created`, seconds since the epoch.
    let created: Int64
    /// `expires`, when given.
    let expires: Int64?
    /// `keyid`: the client id.
    let keyID: String
    /// `alg`, when given.
    let algorithm: String?
    /// `nonce`.
    let nonce: String
    /// The decoded `Signature` member.
    let signature: [UInt8]

    /// Reads the signature labelled `label` from `request`.
    /// - Throws: ``AuthenticationError`` (`invalidCredentials`).
    init(_ request: SignedHTTPRequest, label: String) throws(AuthenticationError) {
        let inputs = try Self.dictionary("signature-input", in: request)
        let signatures = try Self.dictionary("signature", in: request)
        guard case .innerList(let parameters) = inputs[label] else {
            throw .signatureRefused("Signature-Input has no \(label) inner list")
        }
        guard case .item(let item) = signatures[label], case .undecodedByteSequence(let text) = item.rfc9651BareItem,
            text.utf8.count <= Self.maximumSignatureBytes * 4 / 3 + 4, let signature = StrictBase64.decode(text),
            !signature.isEmpty, signature.count <= Self.maximumSignatureBytes
        else { throw .signatureRefused("Signature has no \(label) byte sequence") }
        guard parameters.bareInnerList.count <= Self.maximumComponents else {
            throw .signatureRefused("more than \(Self.maximumComponents) covered components")
        }
        self.parameters = parameters
        self.components = try SignatureBase.componentNames(parameters)
        self.signature = signature
        let values = parameters.rfc9651Parameters
        guard let created = try Self.integer("created", values) else { throw .signatureRefused("no created parameter") }
        guard let keyID = try Self.string("keyid", values) else { throw .signatureRefused("no keyid parameter") }
        guard let nonce = try Self.string("nonce", values) else { throw .signatureRefused("no nonce parameter") }
        self.created = created
        self.expires = try Self.integer("expires", values)
        self.keyID = keyID
        self.nonce = nonce
        self.algorithm = try Self.string("alg", values)
        _ = try Self.string("tag", values)
    }

    /// The field's lines joined with `", "` (RFC 9110 §5.3) and parsed as a dictionary, once its
    /// size is known to be bounded.
    private static func dictionary(
        _ name: String,
        in request: SignedHTTPRequest
    ) throws(AuthenticationError) -> OrderedMap<String, ItemOrInnerList> {
        let lines = request.fields.filter { $0.name == name }
        guard !lines.isEmpty else { throw .signatureRefused("no \(name) field") }
        let size = lines.reduce(2 * (lines.count - 1)) { $0 + $1.value.utf8.count }
        guard size <= maximumFieldBytes else {
            throw .signatureRefused("\(name) is longer than \(maximumFieldBytes) bytes")
        }
        var parser = StructuredFieldValueParser(Array(lines.map(\.value).joined(separator: ", ").utf8))
        guard let dictionary = try? parser.parseDictionaryFieldValue() else {
            throw .signatureRefused("\(name) is not a structured dictionary")
        }
        return dictionary
    }

    private static func integer(
        _ key: String,
        _ values: OrderedMap<String, RFC9651BareItem>
    ) throws(AuthenticationError) -> Int64? {
        guard let value = values[key] else { return nil }
        guard case .integer(let number) = value, number >= 0 else {
            throw .signatureRefused("the \(key) parameter is not a non-negative integer")
        }
        return number
    }

    private static func string(
        _ key: String,
        _ values: OrderedMap<String, RFC9651BareItem>
    ) throws(AuthenticationError) -> String? {
        guard let value = values[key] else { return nil }
        guard case .string(let text) = value, !text.isEmpty, text.utf8.count <= maximumNonceBytes else {
            throw .signatureRefused("the \(key) parameter is not a string of 1 to \(maximumNonceBytes) bytes")
        }
        return text
    }
}
