/// A well-known token prefix: the token is the prefix plus a body of the given bytes and length.
///
/// Lengths are lower bounds a little under the real ones (formats grow), except where the format
/// is fixed (AWS access key ids: exactly 16).
struct SecretPrefix: Sendable {
    let text: [UInt8]
    let body: SecretRules.ByteClass
    let lengths: ClosedRange<Int>

    init(_ text: String, _ body: SecretRules.ByteClass, _ lengths: ClosedRange<Int>) {
        self.text = Array(text.utf8)
        self.body = body
        self.lengths = lengths
    }

    init(_ text: String, _ body: SecretRules.ByteClass, atLeast minimum: Int) {
        self.init(text, body, minimum...Int.max)
    }

    /// Every prefix, checked in order (longer prefixes before their own prefixes).
    static let all: [SecretPrefix] =
        github + [
            // GitLab personal, deploy and runner tokens.
            SecretPrefix("glpat-", .token, atLeast: 20), SecretPrefix("gldt-", .token, atLeast: 20),
            SecretPrefix("glrt-", .token, atLeast: 20),
            SecretPrefix("gsk_", .alphanumeric, atLeast: 40),  // Groq
        ] + slack + aws + [
            // OpenAI (`sk-…`, `sk-proj-…`), Anthropic (`sk-ant-…`) and other `sk-` keys.
            SecretPrefix("sk-", .token, atLeast: 20),
            // Stripe secret and restricted keys, webhook secrets.
            SecretPrefix("sk_live_", .alphanumeric, atLeast: 16), SecretPrefix("sk_test_", .alphanumeric, atLeast: 16),
            SecretPrefix("rk_live_", .alphanumeric, atLeast: 16), SecretPrefix("rk_test_", .alphanumeric, atLeast: 16),
            SecretPrefix("whsec_", .alphanumeric, atLeast: 20),
            // Google API keys and OAuth access tokens.
            SecretPrefix("AIza", .token, atLeast: 30), SecretPrefix("ya29.", .dotted, atLeast: 20),
            SecretPrefix("SG.", .dotted, atLeast: 40),  // SendGrid
            SecretPrefix("npm_", .alphanumeric, atLeast: 30),
            SecretPrefix("pypi-", .token, atLeast: 50),
            SecretPrefix("hf_", .alphanumeric, atLeast: 30),  // Hugging Face
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
