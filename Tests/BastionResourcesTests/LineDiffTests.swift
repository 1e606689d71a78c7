import Testing

@testable import BastionResources

struct LineDiffTests {
    @Test func identicalInputsAreOneCommonRun() {
        #expect(LineDiff.components(old: [1, 2, 3], new: [1, 2, 3]) == [.init(kind: .common, count: 3)])
        #expect(LineDiff.components(old: [], new: []).isEmpty)
    }

    @Test func replacementListsTheRemovalFirst() {
        // jsdiff's tie-breaking prefers the path that went further in the old text.
        #expect(
            LineDiff.components(old: [1, 2, 3], new: [1, 4, 3]) == [
                .init(kind: .common, count: 1), .init(kind: .removed, count: 1), .init(kind: .added, count: 1),
                .init(kind: .common, count: 1),
            ]
        )
    }

    @Test func findsAMinimalScript() {
        // "ABCABBA" to "CBABAC", the example of Myers' paper: 5 edits.
        let components = LineDiff.components(old: [1, 2, 3, 1, 2, 2, 1], new: [3, 2, 1, 2, 1, 3])
        let edits = components.filter { $0.kind != .common }.reduce(0) { $0 + $1.count }
        #expect(edits == 5)
        #expect(components.filter { $0.kind != .added }.reduce(0) { $0 + $1.count } == 7)
        #expect(components.filter { $0.kind != .removed }.reduce(0) { $0 + $1.count } == 6)
    }

    @Test func tooManyEditsFallBackToOneReplacement() {
        let count = LineDiff.maximumEditLength + 10
        let components = LineDiff.components(old: [0] + Array(1...count) + [0], new: [0] + Array(-count...(-1)) + [0])
        #expect(
            components == [
                .init(kind: .common, count: 1), .init(kind: .removed, count: count),
                .init(kind: .added, count: count), .init(kind: .common, count: 1),
            ]
        )
    }
}
