import BastionProtocol
import Synchronization
import Testing

@testable import BastionSecurity

struct RequestStateSealerTests {
    /// A sealer on a clock the test moves.
    private final class Clock: Sendable {
        let seconds = Atomic<Int64>(1_000_000)
        func advance(_ by: Int64) { seconds.add(by, ordering: .relaxed) }
    }

    private func sealer(_ clock: Clock = Clock(), lifetime: Int64 = 120) -> RequestStateSealer {
        RequestStateSealer(lifetimeSeconds: lifetime, now: { clock.seconds.load(ordering: .relaxed) })
    }

    private static let arguments: JSONValue = ["path": "notes.txt", "content": "hello"]

    private func seal(_ sealer: RequestStateSealer, client: String = "claude") throws -> String {
        try #require(
            sealer.seal(
                client: client,
                method: "tools/call",
                target: "write_file",
                arguments: Self.arguments,
                shown: "Q"
            )
        )
    }

    private func open(
        _ sealer: RequestStateSealer,
        _ token: JSONValue,
        client: String = "claude",
        method: String = "tools/call",
        target: String = "write_file",
        arguments: JSONValue = RequestStateSealerTests.arguments
    ) -> Result<RequestStateClaims, RequestStateRefusal> {
        sealer.open(token, client: client, method: method, target: target, arguments: arguments)
    }

    @Test func aStateOpensOnceForItsRequestWithItsClaims() throws {
        let sealer = sealer()
        let token = try seal(sealer)
        #expect(token.hasPrefix("bst1."))
        #expect(!token.contains("notes") && !token.contains("hello"))
        let claims = try open(sealer, .string(token)).get()
        #expect(claims.client == "claude" && claims.method == "tools/call" && claims.target == "write_file")
        #expect(claims.shownDigest == RequestStateSealer.digest(of: "Q"))
        #expect(claims.expiresAt == claims.issuedAt + 120)
        #expect(open(sealer, .string(token)) == .failure(.replayed))
    }

    @Test func theArgumentsDigestDoesNotDependOnKeyOrder() throws {
        let sealer = sealer()
        let token = try seal(sealer)
        let reordered = try JSONParser.parse(#"{"content":"hello","path":"notes.txt"}"#)
        #expect((try? open(sealer, .string(token), arguments: reordered).get()) != nil)
    }

    @Test(arguments: [
        (JSONValue.int(17), RequestStateRefusal.malformed), (.null, .malformed), (.object(["s": "x"]), .malformed),
        (.string("bst1.zz"), .malformed), (.string("bst1.abc"), .malformed), (.string("nope"), .malformed),
        (.string("bst1." + String(repeating: "00", count: 2_000)), .malformed),
        (.string("bst1." + String(repeating: "00", count: 40)), .forged),
    ])
    func whatIsNotAStateOfOursIsRefused(token: JSONValue, reason: RequestStateRefusal) {
        #expect(open(sealer(), token) == .failure(reason))
    }

    @Test func anAlteredStateIsForgedAndDoesNotBurnTheRealOne() throws {
        let sealer = sealer()
        let token = try seal(sealer)
        var bytes = Array(token.utf8)
        bytes[bytes.count - 1] = bytes[bytes.count - 1] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(open(sealer, .string(String(decoding: bytes, as: UTF8.self))) == .failure(.forged))
        #expect(open(sealer, .string(token.uppercased())) == .failure(.malformed))
        #expect((try? open(sealer, .string(token)).get()) != nil)
    }

    @Test func anotherSealersStateIsForged() throws {
        let token = try seal(sealer())
        #expect(open(sealer(), .string(token)) == .failure(.forged))
    }

    @Test func anotherClientsStateIsRefusedAndStaysGoodForItsOwner() throws {
        let sealer = sealer()
        let token = try seal(sealer, client: "alice")
        #expect(open(sealer, .string(token), client: "mallory") == .failure(.otherClient))
        #expect((try? open(sealer, .string(token), client: "alice").get()) != nil)
    }

    @Test func aStateIsRefusedOnAnotherRequest() throws {
        let sealer = sealer()
        let token = JSONValue.string(try seal(sealer))
        #expect(open(sealer, token, method: "prompts/get") == .failure(.otherRequest))
        #expect(open(sealer, token, target: "delete_path") == .failure(.otherRequest))
        #expect(open(sealer, token, arguments: ["path": "other.txt", "content": "hello"]) == .failure(.otherRequest))
        #expect(open(sealer, token, arguments: ["path": "notes.txt"]) == .failure(.otherRequest))
    }

    @Test func aStateExpiresAfterItsLifetime() throws {
        let clock = Clock()
        let sealer = sealer(clock, lifetime: 10)
        let kept = try seal(sealer)
        let late = try seal(sealer)
        clock.advance(10)
        #expect((try? open(sealer, .string(kept)).get()) != nil)
        clock.advance(1)
        #expect(open(sealer, .string(late)) == .failure(.expired))
    }

    @Test func aClientThatNeverRetriesRetiresItsOldestStates() throws {
        let sealer = sealer()
        let oldest = try seal(sealer)
        for _ in 0..<RequestStateSealer.maximumOutstandingPerClient { _ = try seal(sealer) }
        #expect(sealer.outstandingCount(for: "claude") == RequestStateSealer.maximumOutstandingPerClient)
        #expect(open(sealer, .string(oldest)) == .failure(.replayed))
        // Another client's states are its own.
        let other = try seal(sealer, client: "bob")
        #expect((try? open(sealer, .string(other), client: "bob").get()) != nil)
    }

    @Test func expiredStatesAreDroppedWhenTheClientSealsAgain() throws {
        let clock = Clock()
        let sealer = sealer(clock, lifetime: 5)
        for _ in 0..<10 { _ = try seal(sealer) }
        clock.advance(6)
        _ = try seal(sealer)
        #expect(sealer.outstandingCount(for: "claude") == 1)
    }

    @Test func expiredStatesOfAClientThatStoppedCallingAreDroppedWhenAnotherSeals() throws {
        let clock = Clock()
        let sealer = sealer(clock, lifetime: 5)
        for _ in 0..<10 { _ = try seal(sealer, client: "idle") }
        clock.advance(6)
        _ = try seal(sealer)
        #expect(sealer.outstandingCount(for: "idle") == 0)
        #expect(sealer.clientsWithOutstanding == 1)
    }

    @Test func theBasisIsSealedAndOnlyItsDigestTravels() throws {
        let sealer = sealer()
        let basis = Array("/w/notes.txt inode 42 sha 0123".utf8)
        let token = try #require(
            sealer.seal(
                client: "claude",
                method: "tools/call",
                target: "write_file",
                arguments: Self.arguments,
                shown: "Q",
                basis: basis
            )
        )
        #expect(!token.contains("notes"))
        let claims = try open(sealer, .string(token)).get()
        #expect(claims.basisDigest == RequestStateSealer.digest(ofBasis: basis))
        #expect(claims.basisDigest != RequestStateSealer.digest(ofBasis: []))
    }

    @Test func anIntegerAndTheSameNumberAsADoubleAreDifferentArguments() throws {
        #expect(RequestStateSealer.digest(of: ["n": .int(1)]) != RequestStateSealer.digest(of: ["n": .double(1)]))
        let sealer = sealer()
        let token = try #require(
            sealer.seal(client: "claude", method: "tools/call", target: "t", arguments: ["n": .int(1)], shown: "Q")
        )
        #expect(open(sealer, .string(token), target: "t", arguments: ["n": .double(1)]) == .failure(.otherRequest))
    }
}
