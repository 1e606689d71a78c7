import BastionProtocol
import Testing

@testable import Bastion

struct IsolationWorkerTests {
    @Test("A worker's audit notes never replace the server's chain's (decision, outcome, approval, chain fields)")
    func aWorkerCannotRewriteTheDecision() {
        let notes: [String: JSONValue] = [
            "path": "/work/a.txt", "destination": "/work/b.txt", "decision": "allow", "outcome": "ok",
            "approval": "approved", "seq": 1, "hash": "00", "tool": "other",
        ]
        let accepted = IsolationWorker.acceptedAnnotations(notes)
        #expect(accepted == ["path": "/work/a.txt", "destination": "/work/b.txt"])
    }
}
