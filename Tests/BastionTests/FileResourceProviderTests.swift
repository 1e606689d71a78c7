import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct FileResourceProviderTests {
    private let provider = FileResourceProvider(files: FileSystemManager())

    @Test func listingIsPagedInWalkOrderWithResumableCursors() async throws {
        let fixture = try FileToolFixture()
        for path in ["b/2.txt", "b/1.txt", "a.md", "c/d/e.json", "b-side.txt"] { try fixture.write("x", path) }
        var uris: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let (page, next) = try await provider.list(client: fixture.client, after: cursor, limit: 2)
            uris += page.compactMap { $0["uri"]?.stringValue }
            cursor = next
            pages += 1
        } while cursor != nil && pages < 10
        let expected = ["a.md", "b/1.txt", "b/2.txt", "b-side.txt", "c/d/e.json"].map {
            FileURI.encode(fixture.workdir + "/" + $0)
        }
        #expect(uris == expected)
        #expect(pages == 3)
        let (first, _) = try await provider.list(client: fixture.client, after: nil, limit: 1)
        #expect(first.first?["mimeType"] == "text/markdown")
        #expect(first.first?["title"] == "a.md")
    }

    @Test func aForgedCursorIsRefused() async throws {
        let fixture = try FileToolFixture()
        await #expect(throws: JSONRPCError.self) {
            try await provider.list(client: fixture.client, after: "9/x", limit: 5)
        }
        await #expect(throws: JSONRPCError.self) {
            try await provider.list(client: fixture.client, after: "nope", limit: 5)
        }
    }

    @Test func textAndBinaryFilesAreReadAccordingly() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("{\"a\": 1}", "d.json")
        try Data([0, 255]).write(to: URL(fileURLWithPath: fixture.workdir + "/b.bin"))
        let text = try await provider.read(client: fixture.client, uri: FileURI.encode(fixture.workdir + "/d.json"))
        #expect(
            text == [
                .text(
                    uri: FileURI.encode(fixture.workdir + "/d.json"),
                    mimeType: "application/json",
                    text: "{\"a\": 1}"
                )
            ]
        )
        let blob = try await provider.read(client: fixture.client, uri: FileURI.encode(fixture.workdir + "/b.bin"))
        #expect(
            blob == [
                .blob(
                    uri: FileURI.encode(fixture.workdir + "/b.bin"),
                    mimeType: "application/octet-stream",
                    base64: "AP8="
                )
            ]
        )
    }

    @Test(arguments: ["file:///etc/shadow", "file:///nonexistent-dir/x", "file://evil.example/etc", "file:///a%00b"])
    func refusedAndMissingFilesAreResourceNotFound(uri: String) async throws {
        let fixture = try FileToolFixture()
        let error = await #expect(throws: JSONRPCError.self) {
            try await provider.read(client: fixture.client, uri: uri)
        }
        #expect(error?.code == JSONRPCError.resourceNotFoundCode)
    }

    @Test func subscriptionsAreKeptPerSessionAndDroppedWithIt() async throws {
        let fixture = try FileToolFixture()
        try fixture.write("x", "watched.txt")
        let context = SessionTestSupport.makeContext(method: "resources/subscribe")
        let session = context.session
        let uri = FileURI.encode(fixture.workdir + "/watched.txt")
        try await provider.subscribe(client: fixture.client, uri: uri, context: context)
        try await provider.subscribe(client: fixture.client, uri: uri, context: context)
        #expect(provider.subscriptionCount == 1)
        provider.sessionEnded(session)
        #expect(provider.subscriptionCount == 0)
        try await provider.subscribe(client: fixture.client, uri: uri, context: context)
        provider.unsubscribe(uri: uri, session: session)
        #expect(provider.subscriptionCount == 0)
        #expect(context.annotations["decision"] == nil)
    }

    @Test func aRefusedSubscriptionIsNotedOnTheRequestAsADenial() async throws {
        let fixture = try FileToolFixture()
        let context = SessionTestSupport.makeContext(method: "resources/subscribe")
        await #expect(throws: JSONRPCError.self) {
            try await provider.subscribe(client: fixture.client, uri: "file:///etc/passwd", context: context)
        }
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["path"] == "/etc/passwd")
        #expect(context.annotations["permission"] == "file_read:/etc/passwd")
        #expect(provider.subscriptionCount == 0)
    }

    @Test func walkOrderComparesComponentByComponent() {
        #expect(FileResourceProvider.precedes(["a"], ["a-c"]))
        #expect(FileResourceProvider.precedes(["a", "z"], ["a-c"]))
        #expect(!FileResourceProvider.precedes(["b"], ["a", "z"]))
        #expect(FileResourceProvider.precedes(["a"], ["a", "b"]))
    }

    @Test func aReadReservesItsAnswerFirstAndABusyBudgetSaysToRetry() async throws {
        let fixture = try FileToolFixture()
        try Data([0, 1, 2, 255]).write(to: URL(fileURLWithPath: fixture.workdir + "/b.bin"))
        let uri = FileURI.encode(fixture.workdir + "/b.bin")
        let budget = MemoryBudget(limit: 1 << 20, maximumWait: .milliseconds(10))
        do {
            let memory = AnswerMemory(budget: budget, request: SessionTestSupport.makeContext(method: "resources/read"))
            let blob = try await provider.read(client: fixture.client, uri: uri, memory: memory)
            #expect(blob == [.blob(uri: uri, mimeType: "application/octet-stream", base64: "AAEC/w==")])
            #expect(budget.bytesInUse == FileSystemModule.mediaAnswerBytes(4))
        }
        // The request (held by `memory`) is gone, and its reservation with it.
        #expect(budget.bytesInUse == 0)
        let held = try await budget.reserve(1 << 20)
        let busy = AnswerMemory(budget: budget, request: SessionTestSupport.makeContext(method: "resources/read"))
        await #expect {
            _ = try await provider.read(client: fixture.client, uri: uri, memory: busy)
        } throws: { error in
            guard let error = error as? JSONRPCError else { return false }
            return error.code == JSONRPCError.internalErrorCode && error.message.hasPrefix("Server busy")
                && error.data?["reason"] == "busy"
        }
        held.release()
    }

    @Test func aRefusedReadIsNotedOnTheRequestAsADenial() async throws {
        let fixture = try FileToolFixture()
        let context = SessionTestSupport.makeContext(method: "resources/read")
        await #expect(throws: JSONRPCError.self) {
            try await provider.read(
                client: fixture.client,
                uri: "file:///etc/shadow",
                memory: AnswerMemory(budget: nil, request: context)
            )
        }
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["path"] == "/etc/shadow")
        #expect(context.annotations["permission"] == "file_read:/etc/shadow")
    }

    @Test func aMissingFileIsNoDenial() async throws {
        let fixture = try FileToolFixture()
        let context = SessionTestSupport.makeContext(method: "resources/read")
        await #expect(throws: JSONRPCError.self) {
            try await provider.read(
                client: fixture.client,
                uri: "file://" + fixture.workdir + "/absent",
                memory: AnswerMemory(budget: nil, request: context)
            )
        }
        #expect(context.annotations["decision"] == nil)
    }
}
