import BastionProtocol

@testable import Bastion

enum ApprovalTestSupport {
    /// A request with a fresh id.
    static func request(client: String = "claude", tool: String = "write_file") -> ApprovalRequest {
        ApprovalRequest(
            id: ApprovalRequest.makeID(),
            clientID: client,
            tool: tool,
            summary: "path=\"a.txt\"",
            description: "Client \"\(client)\" wants to call the tool \"\(tool)\".",
            createdAt: .now
        )
    }

    /// A stream that yields each request once it is waiting (the `registered` hook), so a test can
    /// answer it without sleeping.
    static func registrations() -> (AsyncStream<ApprovalRequest>, @Sendable (ApprovalRequest) -> Void) {
        let (stream, continuation) = AsyncStream<ApprovalRequest>.makeStream()
        return (stream, { continuation.yield($0) })
    }
}
