/// A well-known token prefix: the token is the prefix plus a body of the given bytes and length.
///
/// Lengths are lower bounds a little under the real ones (formats grow), except where the format
/// is fixed (AWS access key ids: exactly 16).
///
/// A token is looked for at a token boundary, after `_` or `-` (`no_such_tool_ghp_…`), and — when
/// its prefix is *distinctive* — even glued to a letter or digit (`xghp_…`, `keyAKIA…`): a
/// distinctive prefix plus its body's length and bytes does not occur in ordinary words. Prefixes
/// that do end ordinary words (`sk-` in `desk-`, `sk_test_` in `task_test_`, `SG.` in `MSG.`) are
/// not distinctive.
struct SecretPrefix: Sendable {
    let text: [UInt8]
    let body: SecretRules.ByteClass
    let lengths: ClosedRange<Int>
    /// Whether the token is recognised glued to a preceding letter or digit.
    let isDistinctive: Bool

    init(_ text: String, _ body: SecretRules.ByteClass, _ lengths: ClosedRange<Int>, isDistinctive: Bool = true) {
        self.text = Array(text.utf8)
        self.body = body
        self.lengths = lengths
        self.isDistinctive = isDistinctive
    }

    init(_ text: String, _ body: SecretRules.ByteClass, atLeast minimum: Int, isDistinctive: Bool = true) {
        self.init(text, body, minimum...Int.max, isDistinctive: isDistinctive)
    }

    /// The most body bytes worth reading: one past the longest valid body (a longer run fails anyway).
    var maximumRead: Int { lengths.upperBound == Int.max ? Int.max : lengths.upperBound + 1 }

    /// ``all`` by first byte, in order: the scanner looks up only the prefixes that can match.
    static let byFirstByte: [[SecretPrefix]] = table(all)
    /// The distinctive ones by first byte: those looked for in the middle of a word.
    static let distinctiveByFirstByte: [[SecretPrefix]] = table(all.filter(\.isDistinctive))

    /// The first two bytes of every prefix, as a 65,536-bit set: a cheap test before any lookup,
    /// made at most bytes of a text (the middle of every word, for the distinctive ones).
    static let pairs: [UInt64] = pairSet(all)
    /// The first two bytes of every distinctive prefix.
    static let distinctivePairs: [UInt64] = pairSet(all.filter(\.isDistinctive))

    /// Whether `first`, `second` start a prefix of `set` (``pairs`` or ``distinctivePairs``).
    static func contains(_ set: [UInt64], _ first: UInt8, _ second: UInt8) -> Bool {
        let index = Int(first) << 8 | Int(second)
        return set[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    private static func pairSet(_ prefixes: [SecretPrefix]) -> [UInt64] {
        var set = [UInt64](repeating: 0, count: 1024)
        for prefix in prefixes {
            let index = Int(prefix.text[0]) << 8 | Int(prefix.text[1])
            set[index >> 6] |= 1 << UInt64(index & 63)
        }
        return set
    }

    private static func table(_ prefixes: [SecretPrefix]) -> [[SecretPrefix]] {
        var table = [[SecretPrefix]](repeating: [], count: 256)
        for prefix in prefixes { table[Int(prefix.text[0])].append(prefix) }
        return table
    }

    /// Every prefix, checked in order (longer prefixes before their own prefixes).
    static let all: [SecretPrefix] =
        github + [
            // GitLab personal, deploy and runner tokens.
            SecretPrefix("glpat-", .token, atLeast: 20), SecretPrefix("gldt-", .token, atLeast: 20),
            SecretPrefix("glrt-", .token, atLeast: 20),
            SecretPrefix("gsk_", .alphanumeric, atLeast: 40),  // Groq
        ] + slack + aws + [
            // OpenAI project keys (`sk-proj-…`), Anthropic (`sk-ant-…`), then other `sk-` keys (`sk-`
            // alone ends ordinary words: `desk-`, `task-`).
            SecretPrefix("sk-proj-", .token, atLeast: 20), SecretPrefix("sk-ant-", .token, atLeast: 20),
            SecretPrefix("sk-", .token, atLeast: 20, isDistinctive: false),
            // Stripe secret and restricted keys (`task_test_…`, `network_live_…`), webhook secrets.
            SecretPrefix("sk_live_", .alphanumeric, atLeast: 16, isDistinctive: false),
            SecretPrefix("sk_test_", .alphanumeric, atLeast: 16, isDistinctive: false),
            SecretPrefix("rk_live_", .alphanumeric, atLeast: 16, isDistinctive: false),
            SecretPrefix("rk_test_", .alphanumeric, atLeast: 16, isDistinctive: false),
            SecretPrefix("whsec_", .alphanumeric, atLeast: 20),
            // Google API keys and OAuth access tokens.
            SecretPrefix("AIza", .token, atLeast: 30),
            SecretPrefix("ya29.", .dotted, atLeast: 20, isDistinctive: false),
            SecretPrefix("SG.", .dotted, atLeast: 40, isDistinctive: false),  // SendGrid (`MSG.`)
            SecretPrefix("npm_", .alphanumeric, atLeast: 30),
            SecretPrefix("pypi-", .token, atLeast: 50),
            SecretPrefix("hf_", .alphanumeric, atLeast: 30, isDistinctive: false),  // Hugging Face
            SecretPrefix("xai-", .alphanumeric, atLeast: 40),
            // DigitalOcean and Shopify.
            SecretPrefix("dop_v1_", .lowerHex, atLeast: 40), SecretPrefix("doo_v1_", .lowerHex, atLeast: 40),
            SecretPrefix("dor_v1_", .lowerHex, atLeast: 40),
            SecretPrefix("shpat_", .lowerHex, atLeast: 32), SecretPrefix("shpss_", .lowerHex, atLeast: 32),
            SecretPrefix("shpca_", .lowerHex, atLeast: 32), SecretPrefix("shppa_", .lowerHex, atLeast: 32),
        ]

    /// GitHub: fine-grained personal tokens, then `ghp_` (classic), `gho_` (OAuth), `ghu_` (user to
    /// server), `ghs_` (server to server), `ghr_` (refresh).
    private static let github =
        [SecretPrefix("github_pat_", .word, atLeast: 40)]
        + ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map { SecretPrefix($0, .alphanumeric, atLeast: 30) }

    /// Slack bot, user, app-level, refresh and configuration tokens.
    private static let slack = ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xoxo-", "xapp-"].map {
        SecretPrefix($0, .dashed, atLeast: 10)
    }

    /// AWS access key ids (long-term `AKIA`, temporary `ASIA`, and the other unique-id kinds).
    private static let aws = ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA"].map {
        SecretPrefix($0, .upperDigit, 16...16)
    }
}
