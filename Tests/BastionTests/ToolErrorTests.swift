import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolErrorTests {
    @Test func descriptionIsTheClientFacingMessage() {
        let error = ToolError("file not found: notes.txt")
        #expect(error.message == "file not found: notes.txt")
        #expect(error.description == "file not found: notes.txt")
        #expect("\(error)" == error.message)
    }

    @Test func errorsCompareByMessage() {
        #expect(ToolError("a") == ToolError("a"))
        #expect(ToolError("a") != ToolError("b"))
    }

    @Test func aDenialTravelsWithTheErrorButNotInItsMessage() {
        let denial = PermissionDenial(.read, target: "/etc/shadow", rule: .outsideScope)
        let error = ToolError("Permission denied", denial: denial)
        #expect(error.denial == denial)
        #expect(error.description == "Permission denied")
        #expect(ToolError("Permission denied").denial == nil)
    }
}
