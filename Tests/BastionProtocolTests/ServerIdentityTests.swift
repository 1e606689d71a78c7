import Testing

@testable import BastionProtocol

struct ServerIdentityTests {
    @Test func titleAndInstructionsDefaultToNil() {
        let identity = ServerIdentity(name: "bastion", version: "0.1.0")
        #expect(identity.name == "bastion")
        #expect(identity.version == "0.1.0")
        #expect(identity.title == nil)
        #expect(identity.instructions == nil)
    }

    @Test func keepsEveryField() {
        let identity = ServerIdentity(name: "n", version: "v", title: "Title", instructions: "Use the tools.")
        #expect(identity.title == "Title")
        #expect(identity.instructions == "Use the tools.")
    }

    @Test func equalityComparesEveryField() {
        let identity = ServerIdentity(name: "n", version: "v", title: "t", instructions: "i")
        #expect(identity == ServerIdentity(name: "n", version: "v", title: "t", instructions: "i"))
        #expect(identity != ServerIdentity(name: "n", version: "v", title: nil, instructions: "i"))
        #expect(identity != ServerIdentity(name: "n", version: "v", title: "t", instructions: nil))
        #expect(identity != ServerIdentity(name: "n", version: "w", title: "t", instructions: "i"))
    }
}
