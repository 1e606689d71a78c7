import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ServerErrorTests {
    @Test func descriptionIsTheMessage() {
        let error = ServerError("no client \"x\" is configured")
        #expect(error.message == "no client \"x\" is configured")
        #expect(error.description == error.message)
        #expect("\(error)" == error.message)
    }

    @Test func errorsCompareByMessage() {
        #expect(ServerError("a") == ServerError("a"))
        #expect(ServerError("a") != ServerError("b"))
    }
}
