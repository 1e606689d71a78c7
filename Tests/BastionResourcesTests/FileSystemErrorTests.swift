import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct FileSystemErrorTests {
    @Test(arguments: [
        (ENOENT, FileSystemError.Kind.notFound), (EEXIST, .exists), (ELOOP, .confinement), (EXDEV, .confinement),
        (ENOTDIR, .invalid), (EISDIR, .invalid), (EACCES, .system), (EIO, .system),
    ])
    func systemErrorsMapToKinds(code: Int32, kind: FileSystemError.Kind) {
        let error = FileSystemError.system(code, operation: "read", path: "/w/a")
        #expect(error.kind == kind)
        #expect(error.message.contains("\"/w/a\""))
    }

    @Test func controlCharactersInPathsAreEscapedAndLongPathsCut() {
        #expect(FileSystemError.shown("a\nb") == "a\\u{a}b")
        #expect(FileSystemError.shown(String(repeating: "x", count: 600)).hasSuffix("…"))
    }

    @Test func aDenialIsOfKindDeniedAndCarriesWhatTheAuditNeeds() {
        let denial = PermissionDenial(.write, target: "/w/a", rule: .outsideScope)
        let error = FileSystemError(denial: denial, "Permission denied: writing \"/w/a\"")
        #expect(error.kind == .denied)
        #expect(error.denial == denial)
        #expect(error.message == "Permission denied: writing \"/w/a\"")
    }

    @Test func otherErrorsCarryNoDenial() {
        #expect(FileSystemError(.notFound, "gone").denial == nil)
        #expect(FileSystemError.system(EACCES, operation: "open", path: "/w/a").denial == nil)
    }
}
