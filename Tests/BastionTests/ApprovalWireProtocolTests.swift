import BastionProtocol
import Testing

@testable import Bastion

struct ApprovalWireProtocolTests {
    private func respond(_ text: String, _ pending: PendingApprovals = PendingApprovals()) -> JSONValue {
        ApprovalWireProtocol.respond(to: Array(text.utf8), pending: pending, pid: 4242)
    }

    /// Runs `body` while one request waits in `pending`; returns the wait's answer.
    private func withWaiting(
        _ body: @escaping @Sendable (PendingApprovals, ApprovalRequest) -> Void
    ) async -> PendingApprovals.Answer {
        let pending = PendingApprovals()
        return await pending.wait(for: ApprovalTestSupport.request(), timeout: .seconds(600)) { request in
            body(pending, request)
        }
    }

    @Test func listReportsThePidAndTheWaitingCalls() async {
        _ = await withWaiting { pending, request in
            let answer = ApprovalWireProtocol.respond(to: Array(#"{"op":"list"}"#.utf8), pending: pending, pid: 7)
            #expect(answer["ok"] == true)
            #expect(answer["pid"] == 7)
            #expect(answer["pending"]?.arrayValue?.map { $0["id"] } == [.string(request.id)])
            pending.resolve(id: request.id, with: .allowed)
        }
        #expect(respond(#"{"op":"list"}"#)["pending"] == [])
    }

    @Test func allowResolvesTheCallAndNamesIt() async {
        let answer = await withWaiting { pending, request in
            let line = JSONWriter.string(ApprovalWireProtocol.allowRequest(id: request.id))
            let reply = ApprovalWireProtocol.respond(to: Array(line.utf8), pending: pending, pid: 1)
            #expect(reply == ["ok": true, "id": .string(request.id), "client": "claude", "tool": "write_file"])
        }
        #expect(answer == .allowed)
    }

    @Test func denyCarriesItsReasonClipped() async {
        let reason = String(repeating: "r", count: 1000)
        let answer = await withWaiting { pending, request in
            let line = JSONWriter.string(ApprovalWireProtocol.denyRequest(id: request.id, reason: reason))
            #expect(ApprovalWireProtocol.respond(to: Array(line.utf8), pending: pending, pid: 1)["ok"] == true)
        }
        guard case .denied(let kept?) = answer else {
            Issue.record("expected a denial with a reason, got \(answer)")
            return
        }
        #expect(kept.count == ApprovalWireProtocol.maxReasonCharacters)
    }

    @Test func anUnknownIDIsAnError() {
        let reply = respond(#"{"op":"allow","id":"zzzzzz"}"#)
        #expect(reply["ok"] == false)
        #expect(reply["error"]?.stringValue?.contains("no pending approval zzzzzz") == true)
    }

    @Test(arguments: [
        "not json",
        "[1,2]",
        "\"list\"",
        #"{}"#,
        #"{"op":"approve-everything"}"#,
        #"{"op":"list","extra":1}"#,
        #"{"op":"allow"}"#,
        #"{"op":"allow","id":7}"#,
        #"{"op":"allow","id":""}"#,
        #"{"op":"allow","id":"abc","reason":"only deny has one"}"#,
        #"{"op":"deny","id":"abc","reason":5}"#,
        #"{"op":"deny","id":"0123456789012345678901234567890123456789"}"#,
        #"{"op":{"op":{"op":"list"}}}"#,
    ])
    func malformedRequestsAreRefused(line: String) {
        let reply = respond(line)
        #expect(reply["ok"] == false)
        #expect(reply["error"]?.stringValue?.isEmpty == false)
    }

    @Test func anOversizedLineIsRefusedUnparsed() {
        let line =
            #"{"op":"list","pad":""# + String(repeating: "x", count: ApprovalWireProtocol.maxRequestBytes) + #""}"#
        #expect(respond(line) == ApprovalWireProtocol.tooLong)
    }

    @Test func malformedRequestsLeaveTheCallWaiting() async {
        let answer = await withWaiting { pending, request in
            _ = ApprovalWireProtocol.respond(to: Array("{\"op\":\"allow\",\"id\":1}".utf8), pending: pending, pid: 1)
            #expect(pending.request(id: request.id) != nil)
            pending.resolve(id: request.id, with: .denied(reason: nil))
        }
        #expect(answer == .denied(reason: nil))
    }

    @Test func showSendsOneRequestWithItsPreviewAndListDoesNot() async {
        let pending = PendingApprovals()
        var request = ApprovalTestSupport.request()
        request.preview = "Creates /w/a.txt (5 bytes):\nhello"
        _ = await pending.wait(for: request, timeout: .seconds(600)) { request in
            let line = JSONWriter.string(ApprovalWireProtocol.showRequest(id: request.id))
            let shown = ApprovalWireProtocol.respond(to: Array(line.utf8), pending: pending, pid: 1)
            #expect(shown["ok"] == true)
            #expect(shown["request"]?["id"] == .string(request.id))
            #expect(shown["request"]?["preview"] == "Creates /w/a.txt (5 bytes):\nhello")
            let listed = ApprovalWireProtocol.respond(to: Array(#"{"op":"list"}"#.utf8), pending: pending, pid: 1)
            #expect(listed["pending"]?.arrayValue?.first?["preview"] == nil)
            pending.resolve(id: request.id, with: .allowed)
        }
        let unknown = respond(#"{"op":"show","id":"zzzzzz"}"#)
        #expect(unknown["ok"] == false)
        #expect(respond(#"{"op":"show","id":"a","extra":1}"#)["error"] == "malformed request: unknown member")
    }
}
