import Testing

@testable import BastionProtocol

struct LogLevelTests {
    @Test func namesFollowTheSpecificationLowestFirst() {
        #expect(
            LogLevel.allCases.map(\.rawValue)
                == ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
        )
    }

    @Test func eachLevelIsBelowEveryLaterOne() {
        let levels = LogLevel.allCases
        for (lowerIndex, lower) in levels.enumerated() {
            for higher in levels[(lowerIndex + 1)...] {
                #expect(lower < higher, "\(lower) < \(higher)")
                #expect(!(higher < lower), "!(\(higher) < \(lower))")
            }
            #expect(!(lower < lower))
        }
    }

    @Test func sortingIsBySeverityNotByName() {
        let shuffled: [LogLevel] = [.warning, .alert, .debug, .emergency, .info, .critical, .notice, .error]
        #expect(shuffled.sorted() == LogLevel.allCases)
        // Alphabetically "alert" < "debug"; by severity it is the other way round.
        #expect(LogLevel.debug < .alert)
        #expect(LogLevel.error >= .warning)
        #expect(LogLevel.info <= .info)
    }

    @Test(arguments: ["verbose", "WARNING", "Info", "warn", "", " error"])
    func unknownOrMiscasedNamesAreRejected(name: String) {
        #expect(LogLevel(rawValue: name) == nil)
    }

    @Test(arguments: LogLevel.allCases)
    func rawValueRoundTrips(level: LogLevel) {
        #expect(LogLevel(rawValue: level.rawValue) == level)
    }
}
