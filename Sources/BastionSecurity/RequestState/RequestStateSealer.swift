package import BastionProtocol
package import Crypto
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Seals the `requestState` of an `input_required` result and opens it again on the client's retry
/// (2026-07-28, basic/patterns/mrtr.mdx, server requirements 4–5): AES-256-GCM under a key of this
/// process, the claims (``RequestStateClaims``) bound inside, and every nonce kept server-side until
/// it is used once or expires, so a state is good for one retry of one request of one client.
///
/// The state is the client's to carry, never to read: it holds digests, not arguments. At most
/// ``maximumOutstandingPerClient`` states of a client are open at once; a newer one retires the
/// oldest, so a client that never retries cannot grow the server's memory.
package final class RequestStateSealer: Sendable {
    /// The longest `requestState` opened; anything longer is refused before it is decoded.
    package static let maximumTokenBytes = 2_048
    /// States of one client open at once.
    package static let maximumOutstandingPerClient = 64
    /// What every state this sealer writes starts with.
    static let prefix = "bst1."
    /// Authenticated with every seal, so a ciphertext of another use of the key never opens here.
    static let associatedData = Array("bastion.requestState.v1".utf8)

    private struct Outstanding {
        var nonce: String
        var expiresAt: Int64
    }

    private let key: SymmetricKey
    /// How long a state stays good.
    package let lifetime: Int64
    private let now: @Sendable () -> Int64
    private struct Table {
        var byClient: [String: [Outstanding]] = [:]
        /// When expired nonces of every client were last dropped.
        var sweptAt: Int64 = .min
    }

    private let outstanding = Mutex(Table())

    /// Creates a sealer.
    /// - Parameters:
    ///   - key: The AEAD key (default: 256 random bits, for this process only).
    ///   - lifetimeSeconds: How long a state stays good.
    ///   - now: Seconds since the epoch (tests move it).
    package init(
        key: SymmetricKey = SymmetricKey(size: .bits256),
        lifetimeSeconds: Int64,
        now: @escaping @Sendable () -> Int64 = { Int64(time(nil)) }
    ) {
        self.key = key
        self.lifetime = max(1, lifetimeSeconds)
        self.now = now
    }

    /// The digest the claims hold of a request's arguments (canonical JSON, keys sorted by bytes).
    package static func digest(of arguments: JSONValue) -> String {
        hex(SHA256.hash(data: JSONWriter.encode(arguments)))
    }

    /// The digest the claims hold of what the person was asked.
    package static func digest(of shown: String) -> String {
        hex(SHA256.hash(data: Array(shown.utf8)))
    }

    /// The digest the claims hold of what the question was computed from.
    package static func digest(ofBasis basis: [UInt8]) -> String {
        hex(SHA256.hash(data: basis))
    }

    /// Seals a new state and keeps its nonce.
    /// - Parameters:
    ///   - client: The client it is issued to.
    ///   - method: The request's method.
    ///   - target: The request's tool name or URI.
    ///   - arguments: The request's arguments.
    ///   - shown: What the person is asked.
    ///   - basis: What the question was computed from, in a canonical encoding (empty: nothing).
    /// - Returns: The `requestState` string; `nil` if the cipher failed (nothing is then kept).
    package func seal(
        client: String,
        method: String,
        target: String,
        arguments: JSONValue,
        shown: String,
        basis: [UInt8] = []
    ) -> String? {
        let issuedAt = now()
        var nonceBytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in nonceBytes.indices { nonceBytes[index] = generator.next() }
        let claims = RequestStateClaims(
            client: client,
            method: method,
            target: target,
            argumentsDigest: Self.digest(of: arguments),
            shownDigest: Self.digest(of: shown),
            basisDigest: Self.digest(ofBasis: basis),
            issuedAt: issuedAt,
            expiresAt: issuedAt + lifetime,
            nonce: Self.hex(nonceBytes)
        )
        guard
            let box = try? AES.GCM.seal(
                JSONWriter.encode(claims.json),
                using: key,
                authenticating: Self.associatedData
            ),
            let combined = box.combined
        else { return nil }
        outstanding.withLock { table in
            if issuedAt > table.sweptAt {
                // Once a second at most, every client's expired nonces go: a client that stops
                // calling must not keep its last 64 forever.
                table.sweptAt = issuedAt
                table.byClient = table.byClient.compactMapValues { open in
                    let live = open.filter { $0.expiresAt >= issuedAt }
                    return live.isEmpty ? nil : live
                }
            }
            var open = table.byClient[client, default: []].filter { $0.expiresAt >= issuedAt }
            if open.count >= Self.maximumOutstandingPerClient {
                open.removeFirst(open.count - Self.maximumOutstandingPerClient + 1)
            }
            open.append(Outstanding(nonce: claims.nonce, expiresAt: claims.expiresAt))
            table.byClient[client] = open
        }
        return Self.prefix + Self.hex(combined)
    }

    /// Opens a state presented on a retry and uses it up.
    /// - Parameters:
    ///   - token: The `requestState` as received.
    ///   - client: The client presenting it.
    ///   - method: The retry's method.
    ///   - target: The retry's tool name or URI.
    ///   - arguments: The retry's arguments.
    /// - Returns: The claims, or why the state is refused.
    package func open(
        _ token: JSONValue,
        client: String,
        method: String,
        target: String,
        arguments: JSONValue
    ) -> Result<RequestStateClaims, RequestStateRefusal> {
        guard case .string(let text) = token, text.utf8.count <= Self.maximumTokenBytes, text.hasPrefix(Self.prefix),  // path-bytes: a token, not a path
            let bytes = Self.unhex(text.utf8.dropFirst(Self.prefix.utf8.count))
        else { return .failure(.malformed) }
        guard let box = try? AES.GCM.SealedBox(combined: bytes),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Self.associatedData),
            let json = try? JSONParser.parse(Array(plain)), let claims = RequestStateClaims(json: json)
        else { return .failure(.forged) }
        guard claims.client == client else { return .failure(.otherClient) }
        guard claims.method == method, claims.target == target, claims.argumentsDigest == Self.digest(of: arguments)
        else { return .failure(.otherRequest) }
        let time = now()
        guard time <= claims.expiresAt else { return .failure(.expired) }
        let used = outstanding.withLock { table -> Bool in
            guard var open = table.byClient[client], let index = open.firstIndex(where: { $0.nonce == claims.nonce })
            else {
                return false
            }
            open.remove(at: index)
            table.byClient[client] = open.isEmpty ? nil : open
            return true
        }
        return used ? .success(claims) : .failure(.replayed)
    }

    /// How many states of a client are open (tests).
    package func outstandingCount(for client: String) -> Int {
        outstanding.withLock { $0.byClient[client]?.count ?? 0 }
    }

    /// How many clients have states open (tests).
    package var clientsWithOutstanding: Int {
        outstanding.withLock { $0.byClient.count }
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Lower-case hex only, an even count: one spelling per state.
    static func unhex(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count.isMultiple(of: 2) else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var high: UInt8?
        for digit in text {
            guard let nibble = value(digit) else { return nil }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}
