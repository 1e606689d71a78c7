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

    /// Review 8, finding 15: a worker's `resources/read` answer keeps only the protocol's members.
    @Test("Resource contents from a worker keep uri, mimeType and text or blob, and nothing else")
    func resourceContentsAreChecked() {
        let answer: JSONValue = [
            ["uri": "file:///w/a.txt", "mimeType": "text/plain", "text": "hi", "annotations": ["priority": 1]],
            ["uri": "file:///w/b.png", "blob": "AAAA"],
        ]
        #expect(
            IsolationWorker.resourceContents(answer)
                == [
                    ["uri": "file:///w/a.txt", "mimeType": "text/plain", "text": "hi"],
                    ["uri": "file:///w/b.png", "blob": "AAAA"],
                ]
        )
        for bad: JSONValue in [
            "not an array", [["text": "no uri"]], [["uri": "x", "text": "a", "blob": "b"]], [["uri": "x"]],
            [["uri": "x", "text": 1]], [["uri": "x", "mimeType": 2, "text": "a"]],
        ] {
            #expect(IsolationWorker.resourceContents(bad) == nil, "\(bad)")
        }
    }
}
