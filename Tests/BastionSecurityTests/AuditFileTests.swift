import Foundation
import Testing

@testable import BastionSecurity

struct AuditFileTests {
    @Test func aFreshFileIsNotRetiredAndWritesAppend() throws {
        let scratch = try ScratchDirectory()
        let file = try AuditFile(path: scratch.file("log"))
        #expect(Array("ab".utf8).withUnsafeBytes { file.writeAll($0) } == nil)
        #expect(Array("c".utf8).withUnsafeBytes { file.writeAll($0) } == nil)
        #expect(try String(contentsOfFile: scratch.file("log"), encoding: .utf8) == "abc")
        let status = try #require(file.status())
        #expect(!AuditFile.isRetired(status) && status.st_size == 3)
    }

    @Test func losingTheWriteBitOrTheLastLinkRetiresTheFile() throws {
        let scratch = try ScratchDirectory()
        let rotated = try AuditFile(path: scratch.file("rotated"))
        fchmod(rotated.descriptor, 0o400)
        #expect(AuditFile.isRetired(try #require(rotated.status())))
        let deleted = try AuditFile(path: scratch.file("deleted"))
        unlink(scratch.file("deleted"))
        #expect(AuditFile.isRetired(try #require(deleted.status())))
    }

    @Test func anExclusiveOpenOfAnExistingFileFails() throws {
        let scratch = try ScratchDirectory()
        _ = try AuditFile(path: scratch.file("log"))
        #expect(throws: AuditError.self) { try AuditFile(path: scratch.file("log"), isExclusive: true) }
    }

    @Test func aFullDeviceReportsENOSPC() throws {
        let file = try AuditFile(path: "/dev/full")
        #expect(Array("x".utf8).withUnsafeBytes { file.writeAll($0) } == ENOSPC)
    }
}
