import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import BastionResources

struct PosixACLErrorTests {
    @Test func theMessageIsTheSystemsTextForTheErrno() {
        #expect(PosixACLError(errno: EOPNOTSUPP).message == String(cString: strerror(EOPNOTSUPP)))
        #expect(PosixACLError(errno: ENOENT).message != PosixACLError(errno: EACCES).message)
        #expect(PosixACLError(errno: EPERM) == PosixACLError(errno: EPERM))
    }
}
