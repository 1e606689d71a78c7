import BastionProtocol
import RawStructuredFieldValues

/// The RFC 9421 §2.5 signature base of a request: one `"name": value` line per covered
/// component, in the order the signer listed them, then the `"@signature-params"` line.
///
/// Only what the profile needs is supported; anything else is refused rather than guessed:
/// a component the request does not have, a component listed twice, a derived component other
/// than `@method`, `@target-uri`, `@authority`, `@scheme`, `@path`, `@query` and
/// `@request-target`, and any component parameter (`sf`, `key`, `bs`, `req`, `tr`, `name`, …).
struct SignatureBase: Sendable, Hashable {
    /// The derived components we can compute from a request (RFC 9421 §2.2).
    static let derivedComponents: Set<String> = [
        "@method", "@target-uri", "@authority", "@scheme", "@path", "@query", "@request-target",
    ]

    /// The covered component names, in order.
    let components: [String]
    /// The signature base, ASCII.
    let bytes: [UInt8]

    /// Builds the base of `request` for the signature whose `Signature-Input` member is `parameters`.
    /// - Parameters:
    ///   - request: The request as the transport saw it.
    ///   - parameters: The member's inner list: the covered components and the signature parameters.
    /// - Throws: ``AuthenticationError`` (`invalidCredentials`) naming the refused component.
    init(request: SignedHTTPRequest, parameters: InnerList) throws(AuthenticationError) {
        let components = try Self.componentNames(parameters)
        let uri = SignatureTargetURI(request.targetURI)
        var lines: [String] = []
        for name in components {
            let value = try Self.value(of: name, in: request, uri: uri)
            guard Self.isBaseValue(value) else {
                throw .signatureRefused("component \"\(name)\" has a byte a signature base cannot hold")
            }
            lines.append("\"\(name)\": \(value)")
        }
        var serializer = StructuredFieldValueSerializer()
        guard let serialized = try? serializer.writeListFieldValue([.innerList(parameters)]) else {
            throw .signatureRefused("the signature parameters cannot be serialized")
        }
        lines.append("\"@signature-params\": " + String(decoding: serialized, as: UTF8.self))
        self.components = components
        self.bytes = Array(lines.joined(separator: "\n").utf8)
    }

    /// The names of the covered components: strings without parameters, each once.
    static func componentNames(_ parameters: InnerList) throws(AuthenticationError) -> [String] {
        var names: [String] = []
        var seen: Set<String> = []
        for item in parameters.bareInnerList {
            guard case .string(let name) = item.rfc9651BareItem, isComponentName(name) else {
                throw .signatureRefused("a covered component is not a lowercase component name")
            }
            guard item.rfc9651Parameters.count == 0 else {
                throw .signatureRefused("component \"\(name)\" has parameters, which are not supported")
            }
            guard seen.insert(name).inserted else {
                throw .signatureRefused("component \"\(name)\" is covered twice")
            }
            names.append(name)
        }
        return names
    }

    private static func value(
        of name: String,
        in request: SignedHTTPRequest,
        uri: SignatureTargetURI?
    ) throws(AuthenticationError) -> String {
        guard name.hasPrefix("@") else {  // path-bytes: a component name, lowercase ASCII
            let lines = request.fields.filter { $0.name == name }
            guard !lines.isEmpty else { throw .signatureRefused("covered field \"\(name)\" is absent") }
            return lines.map { trimmed($0.value) }.joined(separator: ", ")
        }
        guard derivedComponents.contains(name) else {
            throw .signatureRefused("derived component \"\(name)\" is not supported")
        }
        if name == "@method" { return request.method }
        guard let uri else { throw .signatureRefused("the target URI cannot be split into components") }
        switch name {
        case "@target-uri": return uri.text
        case "@authority": return uri.authority
        case "@scheme": return uri.scheme
        case "@path": return uri.path
        case "@query": return "?" + (uri.query ?? "")
        default: return uri.requestTarget
        }
    }

    /// A field name (RFC 9110 tchar) in lowercase, or `@` and one.
    private static func isComponentName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let body = bytes.first == UInt8(ascii: "@") ? bytes.dropFirst() : bytes[...]
        return !body.isEmpty
            && body.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
    }

    /// RFC 9421 §2.5: the base is ASCII and each component one line (horizontal tab allowed).
    private static func isBaseValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }
    }

    /// Without leading and trailing spaces and tabs (RFC 9421 §2.1).
    private static func trimmed(_ value: String) -> String {
        let bytes = Array(value.utf8)
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
