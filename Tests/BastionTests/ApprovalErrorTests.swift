import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ApprovalErrorTests {
    @Test func aSystemErrorCarriesTheErrnoText() {
        let error = ApprovalError.system("cannot bind /x", errno: ENOENT)
        #expect(error.description == "cannot bind /x: No such file or directory")
        #expect(error == ApprovalError("cannot bind /x: No such file or directory"))
    }
}
