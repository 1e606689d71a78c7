import Foundation
import Testing

@testable import bastion

struct CommandFailureTests {
    @Test func descriptionIsTheMessage() {
        let failure = CommandFailure("directory /x does not exist or cannot be resolved")
        #expect(failure.message == "directory /x does not exist or cannot be resolved")
        #expect(failure.description == failure.message)
    }

    @Test func aFailureIsPrintedAsErrorOnStderrWithStatus1() async throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.file("missing.toml")
        let output = try await BastionBinary.run(["check-config", missing], home: scratch.path)
        #expect(output.status == 1)
        #expect(output.stderr.contains("Error: \(missing)"))
        #expect(output.stdout.isEmpty)
    }
}
