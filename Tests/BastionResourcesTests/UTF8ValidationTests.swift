import Testing

@testable import BastionResources

struct UTF8ValidationTests {
    @Test(
        arguments: [
            ([0x41], UTF8Validation.Sequence.valid(1)), ([0xC3, 0xA9], .valid(2)), ([0xE2, 0x82, 0xAC], .valid(3)),
            ([0xF0, 0x9D, 0x84, 0x9E], .valid(4)), ([0xF4, 0x8F, 0xBF, 0xBF], .valid(4)), ([0xE2, 0x82], .truncated),
            ([0xF0], .truncated), ([0x80], .invalid), ([0xC1, 0xBF], .invalid), ([0xE0, 0x9F, 0xBF], .invalid),
            ([0xED, 0xBF, 0xBF], .invalid), ([0xF4, 0x90, 0x80, 0x80], .invalid), ([0xF5], .invalid),
            ([0xC3, 0x41], .invalid),
        ] as [([UInt8], UTF8Validation.Sequence)]
    )
    func classifiesTheSequenceAtTheStart(bytes: [UInt8], expected: UTF8Validation.Sequence) {
        #expect(UTF8Validation.sequence(in: bytes, at: 0) == expected)
    }
}
