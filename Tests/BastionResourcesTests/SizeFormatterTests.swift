import Testing

@testable import BastionResources

/// The expectations of the reference's `formatSize` tests in `__tests__/lib.test.ts`.
struct SizeFormatterTests {
    @Test(
        arguments: [
            (0, "0 B"), (1, "1 B"), (512, "512 B"), (1023, "1023 B"), (1024, "1.00 KB"), (1025, "1.00 KB"),
            (1536, "1.50 KB"), (1_048_575, "1024.00 KB"), (1_048_576, "1.00 MB"), (1_073_741_824, "1.00 GB"),
            (1_099_511_627_776, "1.00 TB"), (1_125_899_906_842_624, "1024.00 TB"),
        ] as [(Int64, String)]
    )
    func formatsLikeTheReference(bytes: Int64, expected: String) {
        #expect(SizeFormatter.format(bytes) == expected)
    }

    @Test(
        arguments: [
            (1029, "1.00 KB"),  // 1.0048828125
            (1030, "1.01 KB"),  // 1.005859375
            (2043, "2.00 KB"),  // 1.9951171875
            (1_053_819, "1.01 MB"),  // 1.00500011…
            (1152, "1.13 KB"),  // exactly 1.125: ties round up, as toFixed does
            (1408, "1.38 KB"),  // exactly 1.375
        ] as [(Int64, String)]
    )
    func roundsHalfUpToTwoDecimals(bytes: Int64, expected: String) {
        #expect(SizeFormatter.format(bytes) == expected)
    }

    @Test func largestValuesStayInTerabytes() {
        #expect(SizeFormatter.format(.max).hasSuffix(" TB"))
        #expect(SizeFormatter.format(.max) == "8388608.00 TB")
    }

    @Test func negativeSizesArePrintedInBytes() {
        #expect(SizeFormatter.format(-1024) == "-1024 B")
    }
}
