import BastionProtocol
import Testing

@testable import BastionSecurity

struct AuditRedactorTests {
    @Test func scalarsAndShortStringsAreKept() {
        let value: JSONValue = ["path": "notes.txt", "count": 3, "ratio": 0.5, "dry": true, "none": .null]
        #expect(AuditRedactor.summarize(value) == value)
    }

    @Test func aStringAtTheLimitIsKept() {
        let text = String(repeating: "a", count: AuditRedactor.maxStringBytes)
        #expect(AuditRedactor.summarize(.string(text)) == .string(text))
    }

    @Test func aLongStringBecomesItsSize() {
        let text = String(repeating: "a", count: AuditRedactor.maxStringBytes + 1)
        #expect(AuditRedactor.summarize(["content": .string(text)]) == ["content": "<257 bytes>"])
    }

    @Test func theSizeCountsUTF8Bytes() {
        let text = String(repeating: "é", count: 200)  // 400 bytes, 200 characters
        #expect(AuditRedactor.summarize(.string(text)) == "<400 bytes>")
    }

    @Test(arguments: [
        "password", "PASSWORD", "db_passwd", "client_secret", "githubToken", "apiKey", "api_key", "Authorization",
        "aws_credentials", "private_key", "privateKey",
    ])
    func secretLookingKeysAreRedacted(key: String) {
        #expect(AuditRedactor.isSecret(key))
        #expect(AuditRedactor.summarize([key: "hunter2", "path": "a"]) == [key: "<redacted>", "path": "a"])
    }

    @Test(arguments: ["path", "content", "command", "name", "limit", "cursor"])
    func ordinaryKeysAreNotSecret(key: String) {
        #expect(!AuditRedactor.isSecret(key))
    }

    @Test func aSecretIsRedactedWhateverItsType() {
        let value: JSONValue = ["token": ["nested": "x"], "auth": ["password": 1234]]
        #expect(AuditRedactor.summarize(value) == ["token": "<redacted>", "auth": ["password": "<redacted>"]])
    }

    @Test func secretsInsideArraysAreRedacted() {
        let value: JSONValue = ["env": [["name": "A", "secret": "s"]]]
        #expect(AuditRedactor.summarize(value) == ["env": [["name": "A", "secret": "<redacted>"]]])
    }

    @Test func containersBelowTheDepthCapBecomeNested() {
        let value: JSONValue = ["a": ["b": ["c": ["d": ["e": 1]]]]]
        #expect(AuditRedactor.summarize(value) == ["a": ["b": ["c": ["d": "<nested>"]]]])
    }

    @Test func arraysCountTowardsTheDepthCap() {
        let value: JSONValue = [[[[[1]]]]]
        #expect(AuditRedactor.summarize(value) == [[[["<nested>"]]]])
    }

    @Test func scalarsAtTheDepthCapAreKept() {
        let value: JSONValue = ["a": ["b": ["c": ["d": 1]]]]
        #expect(AuditRedactor.summarize(value) == value)
    }

    @Test func anArrayOf32IsKeptAndLongerOnesBecomeACount() {
        let kept = JSONValue.array((0..<32).map { .int(Int64($0)) })
        #expect(AuditRedactor.summarize(kept) == kept)
        let big = JSONValue.array((0..<33).map { .int(Int64($0)) })
        #expect(AuditRedactor.summarize(["list": big]) == ["list": "<33 items>"])
    }

    @Test func pathsAreKeptWholeAndPayloadsAlwaysBecomeASize() {
        let longPath = JSONValue.string("/w/" + String(repeating: "./", count: 130) + "hidden.txt")
        let paths = JSONValue.array((0..<100).map { .string("/w/f\($0)") })
        let summary = AuditRedactor.summarize([
            "path": longPath, "paths": paths, "destination": "/w/d", "content": "API_KEY=sk-1", "newText": "",
        ])
        #expect(summary["path"] == longPath)
        #expect(summary["paths"] == paths)
        #expect(summary["destination"] == "/w/d")
        #expect(summary["content"] == "<12 bytes>")
        #expect(summary["newText"] == "<0 bytes>")
        let huge = JSONValue.string(String(repeating: "a", count: 5_000))
        #expect(AuditRedactor.summarize(["path": huge]) == ["path": "<5000 bytes>"])
    }

    @Test func longStringsAreShrunkAtEveryDepth() {
        let long = JSONValue.string(String(repeating: "x", count: 1000))
        #expect(AuditRedactor.summarize(["a": ["b": [long]]]) == ["a": ["b": ["<1000 bytes>"]]])
    }

    @Test func secretsAreRedactedByValueInEveryStringKept() {
        let value: JSONValue = [
            "text": "curl -H 'Authorization: Bearer abcdef0123456789'",
            "path": "/tmp/ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "env": ["HELPER": "sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2", "HOME": "/home/me"],
        ]
        #expect(
            AuditRedactor.summarize(value) == [
                "text": "curl -H 'Authorization: Bearer <redacted>'", "path": "/tmp/<redacted>",
                "env": ["HELPER": "<redacted>", "HOME": "/home/me"],
            ]
        )
    }

    @Test func theValueAfterASecretFlagIsMaskedWhole() {
        let command: JSONValue = ["command": ["mysql", "--password", "plain words", "-u", "root", "--token", "t"]]
        #expect(
            AuditRedactor.summarize(command) == [
                "command": ["mysql", "--password", "<redacted>", "-u", "root", "--token", "<redacted>"]
            ]
        )
    }

    @Test func aKeyThatIsASecretIsRedactedToo() {
        let value: JSONValue = ["AKIAIOSFODNN7EXAMPLE": "1"]
        #expect(AuditRedactor.summarize(value) == ["<redacted>": "1"])
    }

    @Test func objectsWithManyMembersOrHugeNamesAreBounded() {
        let many = JSONValue.object(
            Dictionary(uniqueKeysWithValues: (0..<65).map { ("k\($0)", JSONValue.int(Int64($0))) })
        )
        #expect(AuditRedactor.summarize(["env": many]) == ["env": "<65 members>"])
        let name = String(repeating: "n", count: 300)
        #expect(AuditRedactor.summarize(.object([name: 1])) == ["<300-byte name>": 1])
    }
}
