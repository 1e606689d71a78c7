import Testing

@testable import BastionResources

struct SandboxErrorTests {
    @Test func descriptionIsTheMessage() {
        let error = SandboxError(message: "workdir /w is not an absolute path")
        #expect(error.description == "workdir /w is not an absolute path")
        #expect("\(error)" == error.message)
    }

    @Test func errorsCompareByMessage() {
        #expect(SandboxError(message: "a") == SandboxError(message: "a"))
        #expect(SandboxError(message: "a") != SandboxError(message: "b"))
    }
}
