import Testing

@testable import BastionSecurity

/// The target URI's parts as RFC 9421 derives components from them (SignatureTargetURI.swift).
struct SignatureTargetURITests {
    @Test func theParts() throws {
        let uri = try #require(SignatureTargetURI("HTTPS://Bastion.Example:8443/mcp?a=1&b"))
        #expect(uri.scheme == "https")
        #expect(uri.authority == "bastion.example:8443")
        #expect(uri.path == "/mcp")
        #expect(uri.query == "a=1&b")
        #expect(uri.requestTarget == "/mcp?a=1&b")
        #expect(uri.text == "HTTPS://Bastion.Example:8443/mcp?a=1&b")
    }

    @Test(arguments: [("https://h:443/x", "h"), ("http://h:80/x", "h"), ("http://h:443/x", "h:443")])
    func theSchemesDefaultPortIsDropped(text: String, authority: String) {
        #expect(SignatureTargetURI(text)?.authority == authority)
    }

    @Test func anEmptyPathIsSlashAndNoQueryIsNil() throws {
        let uri = try #require(SignatureTargetURI("https://h"))
        #expect(uri.path == "/")
        #expect(uri.query == nil)
        #expect(SignatureTargetURI("https://h?")?.query == "")
    }

    /// What is signed must be what is routed: nothing ambiguous is accepted.
    @Test(arguments: [
        "", "/mcp", "h/mcp", "https://", "https://user@h/mcp", "https://h/mcp#frag", "https://h/m cp",
        "https://h/\u{E9}", "1ttp://h/", "ht!p://h/", "https://h/\t",
    ])
    func anythingElseIsRefused(text: String) {
        #expect(SignatureTargetURI(text) == nil)
    }
}
