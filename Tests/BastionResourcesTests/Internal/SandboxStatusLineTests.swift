import BastionProtocol
import Testing

@testable import BastionResources

struct SandboxStatusLineTests {
    @Test func anAppliedLineCarriesItsReport() {
        let (report, failure) = SandboxStatusLine.parse(Array("applied {\"landlock\":7}\n".utf8))
        #expect(report?["landlock"] == 7)
        #expect(failure == nil)
    }

    @Test func aFailedLineIsTheFailure() {
        let (report, failure) = SandboxStatusLine.parse(Array("failed landlock: ABI 0\n".utf8))
        #expect(report == nil)
        #expect(failure == "landlock: ABI 0")
    }

    @Test func nothingIsNothingAndAnythingElseIsAFailure() {
        #expect(SandboxStatusLine.parse([]).report == nil && SandboxStatusLine.parse([]).failure == nil)
        #expect(SandboxStatusLine.parse(Array("hello".utf8)).failure?.contains("unexpected") == true)
    }

    /// `applied` then `failed exec: …` (execve itself failed): the last line is the verdict.
    @Test func theLastLineIsTheVerdict() {
        let (report, failure) = SandboxStatusLine.parse(Array("applied {\"landlock\":7}\nfailed exec: /x: ENOENT\n".utf8))
        #expect(report == nil)
        #expect(failure == "exec: /x: ENOENT")
    }
}
