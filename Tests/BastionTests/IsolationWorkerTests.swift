import BastionProtocol
import Testing

@testable import Bastion

struct IsolationWorkerTests {
    @Test(
        "A worker's audit notes never replace the server's chain's (only paths and URIs, bounded: review 8, finding 5)"
    )
    func aWorkerCannotRewriteTheDecision() {
        let notes: [String: JSONValue] = [
            "path": "/work/a.txt", "destination": "/work/b.txt", "decision": "allow", "outcome": "ok",
            "approval": "approved", "seq": 1, "hash": "00", "tool": "other", "args": ["path": "/innocent"],
            "duration_us": 1, "uri": .string(String(repeating: "x", count: 5_000)),
        ]
        let accepted = IsolationWorker.acceptedAnnotations(notes)
        #expect(accepted == ["path": "/work/a.txt", "destination": "/work/b.txt"])
    }
}
