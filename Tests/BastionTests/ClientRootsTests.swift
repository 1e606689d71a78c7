import BastionProtocol
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct ClientRootsTests {
    @Test func onlyFileURIsOfExistingDirectoriesCount() throws {
        let scratch = try ScratchDirectory()
        try "x".write(toFile: scratch.file("file"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.path)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.path)) == scratch.path)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.file("link"))) == scratch.path)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.file("file"))) == nil)
        #expect(ClientRoots.canonicalDirectory(FileURI.encode(scratch.file("missing"))) == nil)
        #expect(ClientRoots.canonicalDirectory("https://example.com/") == nil)
    }

    @Test func aStormOfRefreshesSendsOneRequestAtATimeAndAppliesTheAnswer() async throws {
        let scratch = try ScratchDirectory()
        let sink = RecordingSink()
        let session = SessionTestSupport.makeSession(sink: sink)
        SessionTestSupport.feed(
            session,
            #"{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","#
                + #""capabilities":{"roots":{}},"clientInfo":{"name":"tests","version":"1"}}}"#
        )
        let client = SessionTestSupport.makeClient()
        for _ in 0..<20 {
            ClientRoots.refresh(session: session, client: client, logger: SessionTestSupport.quietLogger)
        }
        func requests() -> [JSONValue] { sink.sent.filter { $0["method"] == "roots/list" } }
        for _ in 0..<500 where requests().isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        #expect(requests().count == 1)
        // Answer it: the second, coalesced request follows, and the scope is the answered root.
        let id: JSONValue = requests()[0]["id"] ?? .null
        let answer: JSONValue = [
            "jsonrpc": "2.0", "id": id, "result": ["roots": [["uri": .string(FileURI.encode(scratch.path))]]],
        ]
        SessionTestSupport.feed(session, JSONWriter.string(answer))
        for _ in 0..<500 where requests().count < 2 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(requests().count == 2)
        #expect(client.offeredRoots == [scratch.path])
        await session.close(grace: .zero)
    }
}
