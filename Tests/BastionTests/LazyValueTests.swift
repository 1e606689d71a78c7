import BastionProtocol
import BastionSecurity
import Synchronization
import Testing

@testable import Bastion

/// Counts how many times a factory ran.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
    var value: Int { count.load(ordering: .relaxed) }
}

struct LazyValueTests {
    @Test func theValueIsNotCreatedUntilFirstUse() {
        let counter = Counter()
        let lazy = LazyValue { counter.increment() }
        #expect(counter.value == 0)
        #expect(lazy.value == 1)
        #expect(counter.value == 1)
    }

    @Test func ifCreatedNeverCreatesTheValue() {
        let counter = Counter()
        let lazy = LazyValue { counter.increment() }
        #expect(lazy.ifCreated == nil)
        #expect(counter.value == 0)
        _ = lazy.value
        #expect(lazy.ifCreated == 1)
    }

    @Test func theValueIsCreatedOnceAndShared() {
        let counter = Counter()
        let lazy = LazyValue { "state #\(counter.increment())" }
        #expect(lazy.value == "state #1")
        #expect(lazy.value == "state #1")
        #expect(counter.value == 1)
    }

    @Test func concurrentFirstAccessesCreateItOnce() async {
        let counter = Counter()
        let lazy = LazyValue { counter.increment() }
        let seen = await withTaskGroup(of: Int.self, returning: Set<Int>.self) { group in
            for _ in 0..<50 { group.addTask { lazy.value } }
            return await group.reduce(into: []) { $0.insert($1) }
        }
        #expect(seen == [1])
        #expect(counter.value == 1)
    }
}
