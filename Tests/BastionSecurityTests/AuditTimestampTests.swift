import Testing

@testable import BastionSecurity

struct AuditTimestampTests {
    @Test(arguments: [
        (0, 0, "1970-01-01T00:00:00.000000Z"),
        (951_782_400, 5, "2000-02-29T00:00:00.000005Z"),
        (1_700_000_000, 123_456, "2023-11-14T22:13:20.123456Z"),
        (1_700_000_000, 999_999, "2023-11-14T22:13:20.999999Z"),
        (-1, 0, "1969-12-31T23:59:59.000000Z"),
        (-50_000_000_000, 42, "0385-07-25T07:06:40.000042Z"),
        (253_402_300_799, 10, "9999-12-31T23:59:59.000010Z"),
    ])
    func formatIsRFC3339UTCWithMicroseconds(seconds: Int, microseconds: Int, expected: String) {
        #expect(AuditTimestamp.format(seconds: seconds, microseconds: microseconds) == expected)
    }

    @Test func nowHasTheFixedShape() throws {
        let stamp = AuditTimestamp.now()
        let characters = Array(stamp)
        #expect(characters.count == 27)
        for (position, separator) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (26, "Z")] {
            #expect(characters[position] == Character(separator), "position \(position) of \(stamp)")
        }
        let digitPositions = (0..<26).filter { ![4, 7, 10, 13, 16, 19].contains($0) }
        #expect(digitPositions.allSatisfy { characters[$0].isASCII && characters[$0].isNumber })
        let year = try #require(Int(String(characters[0..<4])))
        #expect(year >= 2024)
    }
}
