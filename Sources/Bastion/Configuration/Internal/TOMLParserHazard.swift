/// A place where TOMLKit's parser (toml++ 3.4) would fail an assertion and abort the process
/// instead of reporting an error, found by ``TOMLSourceMap`` before TOMLKit sees the text.
///
/// SwiftPM compiles TOMLKit without `NDEBUG` (debug and release alike), so toml++'s internal
/// assertions are live; two of them test characters that its callers did not check first.
struct TOMLParserHazard: Sendable {
    /// Where the offending character is.
    let position: TOMLSourceMap.Position
    /// The offending character's offset in the document, in Unicode scalars.
    let scalarOffset: Int
    /// A character that toml++ refuses, with an error of its own, at the same place.
    let replacement: Unicode.Scalar
    /// What is wrong, for the configuration error.
    let message: String

    /// `source` with the offending character replaced, which TOMLKit parses without aborting.
    /// - Parameter source: The document the hazard was found in.
    /// - Returns: The document with one Unicode scalar replaced (positions are unchanged).
    func neutralized(_ source: String) -> String {
        var scalars = String.UnicodeScalarView()
        for (offset, scalar) in source.unicodeScalars.enumerated() {
            scalars.append(offset == scalarOffset ? replacement : scalar)
        }
        return String(scalars)
    }

    /// How a character is named in a message: quoted when printable ASCII, else `U+XXXX`.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, scalar.value >= 0x20, scalar.value < 0x7F { return "\"\(scalar)\"" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
