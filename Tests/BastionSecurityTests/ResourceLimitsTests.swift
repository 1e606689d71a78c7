import Testing

@testable import BastionSecurity

struct ResourceLimitsTests {
    @Test("The defaults are the documented safe values")
    func defaults() {
        let limits = ResourceLimits()
        #expect(limits.cpuSeconds == 30)
        #expect(limits.memoryMB == 512)
        #expect(limits.openFiles == 256)
        #expect(limits.processes == 64)
        #expect(limits.timeoutMs == 30_000)
        #expect(limits.outputKB == 1024)
    }

    @Test("The initializer sets each limit independently")
    func initializerSetsEachLimit() {
        let limits = ResourceLimits(
            cpuSeconds: 1,
            memoryMB: 2,
            openFiles: 3,
            processes: 4,
            timeoutMs: 5,
            outputKB: 6
        )
        #expect(
            [limits.cpuSeconds, limits.memoryMB, limits.openFiles, limits.processes, limits.timeoutMs, limits.outputKB]
                == [1, 2, 3, 4, 5, 6]
        )
        #expect(limits != ResourceLimits())
    }

    @Test("Limits are values: changing a copy leaves the original alone")
    func valueSemantics() {
        let original = ResourceLimits()
        var copy = original
        copy.memoryMB = 64
        #expect(original.memoryMB == 512)
        #expect(copy.memoryMB == 64)
    }
}
