import Testing

@testable import Bastion

struct OnceFlagTests {
    @Test func onlyTheFirstClaimSucceeds() {
        let flag = OnceFlag()
        #expect(flag.claim())
        #expect(!flag.claim())
        #expect(!flag.claim())
    }

    @Test func exactlyOneOfManyConcurrentClaimsSucceeds() async {
        let flag = OnceFlag()
        let wins = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 { group.addTask { flag.claim() } }
            var wins = 0
            for await won in group where won { wins += 1 }
            return wins
        }
        #expect(wins == 1)
    }
}
