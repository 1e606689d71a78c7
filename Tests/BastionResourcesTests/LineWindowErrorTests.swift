import Testing

@testable import BastionResources

struct LineWindowErrorTests {
    @Test func codesAreDistinct() {
        #expect(LineWindowError.invalidUTF8().code == .invalidUTF8)
        #expect(LineWindowError.readFailed(errno: 5).code == .readFailed)
        #expect(LineWindowError.fileChanged().code == .fileChanged)
        #expect(LineWindowError.Code.invalidUTF8 != .readFailed)
    }

    @Test func readFailedKeepsErrno() {
        let error = LineWindowError.readFailed(errno: 5)
        #expect(error.errno == 5)
        #expect(error.message.contains("errno 5"))
        #expect(error.description == error.message)
        #expect(LineWindowError.invalidUTF8().message.contains("not UTF-8"))
    }
}
