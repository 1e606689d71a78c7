import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct SandboxSystemCallTests {
    @Test func aSucceedingCallPasses() throws {
        try SandboxSystemCall.check(.limits, "setting a limit") { 0 }
    }

    @Test func aFailingCallThrowsAtItsStepNamingTheActionAndErrno() {
        do {
            try SandboxSystemCall.check(.landlock, "restricting the process") {
                errno = EPERM
                return -1
            }
            Issue.record("a failing call passed")
        } catch {
            #expect(error.step == .landlock)
            #expect(error.message == "restricting the process: Operation not permitted (errno 1)")
        }
    }

    @Test func theErrorTextNamesTheNumber() {
        #expect(SandboxSystemCall.errorText(ENOENT) == "No such file or directory (errno 2)")
    }
}
