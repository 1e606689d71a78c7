/// The rules behind ``SecretScanner``, on raw UTF-8 bytes.
///
/// Linear time: the main loop looks at each byte once; an assignment looks back over a few blanks
/// and escapes and the longest secret name, and reads its value only when the name is a secret's
/// (the scan then resumes after it, or the value was bounded by its quote); an anchored rule reads a run of its own bytes that either matches (the scan resumes
/// after it) or is shorter than its minimum, or is bounded (AWS ids); a JWT that failed past its
/// header rules out every JWT starting in that header (``Memo``), so runs are not read again.
enum SecretRules {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// What one scan learnt that later calls of ``next(in:from:memo:)`` on the same bytes reuse.
    struct Memo {
        /// No JWT starts before this index (a failed header run ends here).
        var noTokenBefore = 0
    }

    /// The next secret at or after `start`: the byte range to replace.
    static func next(in bytes: Bytes, from start: Int) -> Range<Int>? {
        var memo = Memo()
        return next(in: bytes, from: start, memo: &memo)
    }

    /// The next secret at or after `start`, with what earlier calls on the same bytes learnt.
    static func next(in bytes: Bytes, from start: Int, memo: inout Memo) -> Range<Int>? {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x3D || byte == 0x3A {  // = :
                if byte == 0x3A, index + 2 < bytes.count, bytes[index + 1] == 0x2F, bytes[index + 2] == 0x2F {
                    if let found = userInfoPassword(bytes, from: index + 3) { return found }
                } else if let found = assignedValue(bytes, delimiter: index) {
                    return found
                }
            } else if byte == 0x40 {  // @
                if let found = userInfoPassword(bytes, at: index, notBefore: start) { return found }
            } else if byte == 0x2D, let found = privateKeyBlock(bytes, at: index) {  // -
                return found
            } else if Self.isAnchorByte(byte), let found = anchored(bytes, at: index, memo: &memo) {
                return found
            }
            index += 1
        }
        return nil
    }

    // MARK: - Anchored rules

    /// Bytes an anchored rule can start with: the first letters of the schemes, of `eyJ` and of the
    /// token prefixes.
    static func isAnchorByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41, 0x53, 0x62, 0x42, 0x64, 0x65, 0x67, 0x68, 0x6E, 0x70, 0x72, 0x73, 0x77, 0x78, 0x79:
            return true  // A S b B d e g h n p r s w x y
        default:
            return false
        }
    }

    /// An anchored secret starting at `index`. Schemes, JWTs and every prefixed token start at a
    /// token boundary or after `_` / `-` (`no_such_tool_ghp_…`, `x-eyJ…`); a distinctive prefix
    /// (``SecretPrefix/isDistinctive``) also right after a letter or digit.
    static func anchored(_ bytes: Bytes, at index: Int, memo: inout Memo) -> Range<Int>? {
        guard index + 1 < bytes.count else { return nil }
        let (first, second) = (bytes[index], bytes[index + 1])
        if index > 0, isLetter(bytes[index - 1]) || isDigit(bytes[index - 1]) {
            guard SecretPrefix.contains(SecretPrefix.distinctivePairs, first, second) else { return nil }
            return prefixedToken(bytes, at: index, among: SecretPrefix.distinctiveByFirstByte[Int(first)])
        }
        switch first {
        case 0x62, 0x42: if let found = schemeCredential(bytes, at: index) { return found }
        case 0x65: return jsonWebToken(bytes, at: index, memo: &memo)
        default: break
        }
        guard SecretPrefix.contains(SecretPrefix.pairs, first, second) else { return nil }
        return prefixedToken(bytes, at: index, among: SecretPrefix.byFirstByte[Int(first)])
    }

    /// `Bearer <token>` / `Basic <token>`: the token.
    static func schemeCredential(_ bytes: Bytes, at index: Int) -> Range<Int>? {
        let length: Int
        if hasPrefix(bytes, index, "bearer", folded: true) {
            length = 6
        } else if hasPrefix(bytes, index, "basic", folded: true) {
            length = 5
        } else {
            return nil
        }
        let start = skipBlanks(bytes, from: index + length)
        guard start > index + length else { return nil }
        return credential(bytes, from: start)
    }

    /// A token-looking run (`[A-Za-z0-9._~+/=-]`): 20 bytes or more, or 8 and more with a digit or a
    /// symbol (so prose such as "basic usage" stays).
    static func credential(_ bytes: Bytes, from start: Int) -> Range<Int>? {
        var end = start
        var hasMark = false
        while end < bytes.count, isCredentialByte(bytes[end]) {
            if !isLetter(bytes[end]) { hasMark = true }
            end += 1
        }
        let length = end - start
        return length >= 20 || (length >= 8 && hasMark) ? start..<end : nil
    }

    /// `eyJ….eyJ….sig`: a JWT (its header is base64url JSON, so it starts with `eyJ`).
    static func jsonWebToken(_ bytes: Bytes, at index: Int, memo: inout Memo) -> Range<Int>? {
        guard index >= memo.noTokenBefore, hasPrefix(bytes, index, "eyJ") else { return nil }
        let header = run(bytes, from: index, of: .token)
        guard header - index >= 10 else { return nil }
        // Past here the outcome depends only on what follows the header, the same for every `eyJ`
        // inside it (after a `_` or `-`): a failure rules them all out.
        memo.noTokenBefore = header
        guard header < bytes.count, bytes[header] == 0x2E else { return nil }
        let payload = run(bytes, from: header + 1, of: .token)
        guard payload - header > 3, payload < bytes.count, bytes[payload] == 0x2E else { return nil }
        return index..<run(bytes, from: payload + 1, of: .token)
    }

    /// A token with one of `prefixes` and a body of the right bytes and length.
    static func prefixedToken(_ bytes: Bytes, at index: Int, among prefixes: [SecretPrefix]) -> Range<Int>? {
        for prefix in prefixes {
            guard hasPrefix(bytes, index, prefix.text) else { continue }
            let bodyStart = index + prefix.text.count
            let end = run(bytes, from: bodyStart, of: prefix.body, limit: prefix.maximumRead)
            if prefix.lengths.contains(end - bodyStart) { return index..<end }
        }
        return nil
    }

    // MARK: - Assignments and URLs

    /// The password of `scheme://user:password@host`.
    static func userInfoPassword(_ bytes: Bytes, from start: Int) -> Range<Int>? {
        var colon: Int?
        var index = start
        while index < bytes.count, index - start <= 256 {
            switch bytes[index] {
            case 0x40:  // @
                guard let colon, index > colon + 1 else { return nil }
                return (colon + 1)..<index
            case 0x3A:
                if colon == nil { colon = index }
            case 0x2F, 0x3F, 0x23, 0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x3C, 0x3E:  // / ? # blanks quotes < >
                return nil
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// Authorization schemes kept in front of a redacted value (lower case, with their space).
    static let schemes: [[UInt8]] = ["bearer ", "basic ", "token ", "digest "].map { Array($0.utf8) }

    /// The password of `user:password@host` without a scheme (a URL whose `//` a path
    /// normalisation folded away, an `scp`-style target): looked for back from the `@`.
    /// Never reaches before `floor` (the end of the previous match: it is already redacted).
    static func userInfoPassword(_ bytes: Bytes, at sign: Int, notBefore floor: Int) -> Range<Int>? {
        var colon = sign
        while colon > floor, sign - colon <= 128 {
            switch bytes[colon - 1] {
            case 0x3A:  // :
                guard colon < sign, colon - 2 >= floor, isUserInfoByte(bytes[colon - 2]) else { return nil }
                return colon..<sign
            case let byte where !isUserInfoByte(byte):
                return nil
            default:
                colon -= 1
            }
        }
        return nil
    }

    /// A byte of a URL's user or password: anything but a separator, a blank or a quote.
    static func isUserInfoByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x2F, 0x3F, 0x23, 0x40, 0x3A, 0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x3C, 0x3E: return false
        default: return true
        }
    }

    /// Key names (lower case) whose value is a secret, matched at the end of the name, ASCII case-insensitively.
    static let secretNames: [[UInt8]] = [
        "password", "passwd", "passphrase", "passcode", "secret", "token", "apikey", "api_key", "api-key",
        "accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key", "secretkey",
        "secret_key", "secret-key", "signingkey", "signing_key", "accountkey", "credential", "credentials",
        "authorization", "auth", "cookie",
    ].map { Array($0.utf8) }

    /// Short names that end ordinary words (`bypass`, `compass`): a secret's only as a whole word
    /// (`pass=`, `db_pass:`, `MYSQL_PWD=`, `Pwd=` of an ODBC connection string).
    static let wordSecretNames: [[UInt8]] = ["pass", "pwd"].map { Array($0.utf8) }

    /// Whether the bytes just before `end` are a secret's name.
    static func endsWithSecretName(_ bytes: Bytes, end: Int) -> Bool {
        if secretNames.contains(where: { endsWith(bytes, end: end, $0) }) { return true }
        return wordSecretNames.contains { name in
            endsWith(bytes, end: end, name) && (end == name.count || !isLetter(bytes[end - name.count - 1]))
        }
    }

    /// Whether `name` (lower case) ends at `end`, ASCII case-insensitively.
    private static func endsWith(_ bytes: Bytes, end: Int, _ name: [UInt8]) -> Bool {
        guard end >= name.count else { return false }
        let start = end - name.count
        for offset in 0..<name.count where fold(bytes[start + offset]) != name[offset] { return false }
        return true
    }
}
