import Testing

@testable import BastionSecurity

struct AuditRotationTests {
    @Test func defaultsAre64MiBAndTenFiles() {
        let rotation = AuditRotation()
        #expect(rotation.maxBytes == 64 * 1024 * 1024 && rotation.keep == 10)
        #expect(AuditRotation.never.maxBytes == 0)
    }

    @Test func atLeastOneRotatedFileIsKept() {
        #expect(AuditRotation(maxBytes: 4096, keep: 0).keep == 1)
    }

    @Test func rotatedFilesAreNumberedFromTheNewest() {
        #expect(AuditRotation.rotatedPath("/var/log/audit.jsonl", index: 1) == "/var/log/audit.jsonl.1")
        #expect(AuditRotation.rotatedPath("a", index: 10) == "a.10")
    }
}
