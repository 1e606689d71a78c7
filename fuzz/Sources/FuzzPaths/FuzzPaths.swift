import BastionSecurity
import CLibFuzzerDriver
import FuzzSupport

/// Fuzzes the byte-level path code of the permission layer: ``GlobPattern`` against
/// ``ReferenceGlob``, ``GlobPattern/escaped(_:)``, ``PathBytes`` and the lexical part of
/// ``PathCanonicalizer``.
///
/// The input is split at its first NUL (or in halves): the first part is a glob, the second a path.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzPaths(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let (first, second) = FuzzInput(data, size).halves
    let pattern = String(decoding: first, as: UTF8.self)
    let path = String(decoding: second, as: UTF8.self)
    checkGlob(pattern, against: path)
    checkGlob(pattern, against: "/b/" + path)
    checkEscaped(path)
    PathChecks.check(path, directory: pattern)
    PathChecks.check(pattern, directory: path)
    return 0
}

private let base = "/b"

/// `GlobPattern` and the reference must agree on compiling and on matching.
private func checkGlob(_ pattern: String, against path: String) {
    let compiled = try? GlobPattern(pattern, relativeTo: base)
    let reference = ReferenceGlob(Array(pattern.utf8), base: Array(base.utf8))
    fuzzCheck(
        (compiled == nil) == (reference == nil),
        "GlobPattern \(compiled == nil ? "refused" : "accepted") \(debug(pattern)), the reference did not"
    )
    guard let compiled, let reference else { return }
    let matches = compiled.matches(path)
    fuzzCheck(
        matches == reference.matches(Array(path.utf8)),
        "\(debug(pattern)).matches(\(debug(path))) is \(matches), the reference says \(!matches)"
    )
}

/// An escaped name compiles to one literal segment holding exactly its bytes.
private func checkEscaped(_ name: String) {
    let bytes = Array(name.utf8)
    guard !bytes.isEmpty, !bytes.contains(UInt8(ascii: "/")), !bytes.contains(0), !PathBytesReference.isDot(bytes)
    else { return }
    let escaped = GlobPattern.escaped(name)
    let reference = ReferenceGlob(Array(escaped.utf8), base: Array(base.utf8))
    fuzzCheck(
        reference?.segments == [.tokens([.byte(UInt8(ascii: "b"))]), .tokens(bytes.map(ReferenceGlob.Token.byte))],
        "GlobPattern.escaped(\(debug(name))) is \(debug(escaped)), which is not the literal name"
    )
    let compiled = try? GlobPattern(escaped, relativeTo: base)
    fuzzCheck(compiled?.matches("/b/" + name) == true, "\(debug(escaped)) does not match the name it escapes")
}

/// The string with its bytes spelled out when they are not printable ASCII.
func debug(_ text: String) -> String {
    var result = "\""
    for byte in text.utf8 {
        if (0x20..<0x7F).contains(byte), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            result.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            let hex = String(byte, radix: 16)
            result += "\\x" + (hex.count == 1 ? "0" : "") + hex
        }
    }
    return result + "\""
}

/// The entry point SwiftPM links as `main` (see `CLibFuzzerDriver.h`).
@_cdecl("FuzzPaths_main")
func fuzzPathsMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    bastion_fuzz_main(argc, argv)
}
