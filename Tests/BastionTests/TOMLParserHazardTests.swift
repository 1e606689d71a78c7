import Testing

@testable import Bastion

struct TOMLParserHazardTests {
    private func hazard(at offset: Int, _ replacement: Unicode.Scalar) -> TOMLParserHazard {
        TOMLParserHazard(
            position: TOMLSourceMap.Position(line: 1, column: offset + 1),
            scalarOffset: offset,
            replacement: replacement,
            message: "m"
        )
    }

    @Test("Neutralizing replaces exactly one Unicode scalar, so positions stay the same")
    func neutralizedReplacesOneScalar() {
        #expect(hazard(at: 5, ",").neutralized("a = [}]") == "a = [,]")
        #expect(hazard(at: 2, "]").neutralized("[é\u{301}x]") == "[é]x]")
        #expect(hazard(at: 1, ",").neutralized("[\u{2028}]") == "[,]")
    }

    @Test(
        "Characters are named quoted when printable ASCII, else by code point",
        arguments: [("}", "\"}\""), ("\u{2028}", "U+2028"), ("\u{85}", "U+0085"), ("\n", "U+000A"), ("é", "U+00E9")]
    )
    func describesCharacters(scalar: Unicode.Scalar, name: String) {
        #expect(TOMLParserHazard.describe(scalar) == name)
    }
}
