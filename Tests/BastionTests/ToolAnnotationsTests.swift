import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolAnnotationsTests {
    @Test func defaultAnnotationsHaveNoJSON() {
        #expect(ToolAnnotations().json == nil)
    }

    @Test func everyHintIsWrittenWhenSet() {
        let annotations = ToolAnnotations(
            title: "Write",
            readOnlyHint: false,
            destructiveHint: true,
            idempotentHint: false,
            openWorldHint: true
        )
        #expect(
            annotations.json == [
                "title": "Write", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false,
                "openWorldHint": true,
            ]
        )
    }

    @Test func onlyTheSetHintsAreWritten() {
        #expect(ToolAnnotations(destructiveHint: false).json == ["destructiveHint": false])
        #expect(ToolAnnotations(title: "T").json == ["title": "T"])
    }

    @Test func readOnlyIsReadOnlyAndClosedWorld() {
        #expect(ToolAnnotations.readOnly.readOnlyHint == true)
        #expect(ToolAnnotations.readOnly.openWorldHint == false)
        #expect(ToolAnnotations.readOnly.destructiveHint == nil)
        #expect(ToolAnnotations.readOnly.json == ["readOnlyHint": true, "openWorldHint": false])
    }
}
