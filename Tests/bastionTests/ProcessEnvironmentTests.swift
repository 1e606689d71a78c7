import Foundation
import Testing

@testable import bastion

struct ProcessEnvironmentTests {
    @Test func currentMatchesTheProcessEnvironment() {
        #expect(ProcessEnvironment.current() == ProcessInfo.processInfo.environment)
    }

    @Test func theChildReadsItsStateDirectoryFromTheEnvironment() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["serve"], input: "", home: scratch.path)
        #expect(output.status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.file("state/bastion/audit.jsonl")))
    }
}
