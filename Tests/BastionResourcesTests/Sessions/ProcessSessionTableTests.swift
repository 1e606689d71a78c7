import Testing

@testable import BastionResources

struct ProcessSessionTableTests {
    static func session(_ id: String, client: String = "c", mcp: String = "s") throws -> ProcessSession {
        ProcessSession(
            id: id,
            owner: .init(client: client, session: mcp),
            summary: "sh",
            capacity: 8,
            control: try #require(RunControl()),
            onEnd: { _, _ in }
        )
    }

    @Test func anotherOwnerGetsTheSameAnswerAsForAnUnknownId() throws {
        let table = ProcessSessionTable()
        try table.insert(try Self.session("p-a"), cap: 4)
        #expect(try table.find("p-a", owner: .init(client: "c", session: "s")).id == "p-a")
        let unknown = #expect(throws: ExecutionError.self) {
            try table.find("p-x", owner: .init(client: "c", session: "s"))
        }
        let otherClient = #expect(throws: ExecutionError.self) {
            try table.find("p-a", owner: .init(client: "d", session: "s"))
        }
        let otherSession = #expect(throws: ExecutionError.self) {
            try table.find("p-a", owner: .init(client: "c", session: "t"))
        }
        #expect(unknown?.code == .notFound && otherClient?.code == .notFound && otherSession?.code == .notFound)
        #expect(unknown?.message == "no such session \"p-x\"")
        #expect(otherClient?.message == "no such session \"p-a\"" && otherSession?.message == otherClient?.message)
        #expect(table.sessions(of: .init(client: "c", session: "t")).isEmpty)
        #expect(table.sessions(of: .init(client: "c", session: "s")).map(\.id) == ["p-a"])
    }

    @Test func aClientMayRunAtMostItsCapOfSessionsAcrossItsMCPSessions() throws {
        let table = ProcessSessionTable()
        try table.insert(try Self.session("p-1", mcp: "s"), cap: 2)
        try table.insert(try Self.session("p-2", mcp: "t"), cap: 2)
        let full = #expect(throws: ExecutionError.self) { try table.insert(try Self.session("p-3"), cap: 2) }
        #expect(full?.code == .busy && full?.message.contains("limits.sessions") == true)
        try table.insert(try Self.session("p-4", client: "other"), cap: 2)
        ProcessSessionTests.ended(try table.find("p-1", owner: .init(client: "c", session: "s")))
        try table.insert(try Self.session("p-5"), cap: 2)
        #expect(table.runningCount == 3)
    }

    @Test func endedSessionsAreDroppedAfterTheirRetention() throws {
        let table = ProcessSessionTable(endedRetentionMs: 0)
        let session = try Self.session("p-1")
        try table.insert(session, cap: 2)
        ProcessSessionTests.ended(session)
        #expect(table.sessions(of: session.owner).isEmpty)
    }

    @Test func theEndOfAnMCPSessionKillsAndForgetsOnlyItsSessions() async throws {
        let table = ProcessSessionTable()
        let mine = try Self.session("p-1", mcp: "s")
        let other = try Self.session("p-2", mcp: "t")
        try table.insert(mine, cap: 4)
        try table.insert(other, cap: 4)
        await table.sessionEnded(mine.owner, wait: .milliseconds(10))
        #expect(mine.control.stopReason == .shutdown && other.control.stopReason == .none)
        #expect(table.sessions(of: mine.owner).isEmpty && table.sessions(of: other.owner).count == 1)
        await table.stopAll(wait: .milliseconds(10))
        #expect(other.control.stopReason == .shutdown)
        #expect(throws: ExecutionError.self) { try table.insert(try Self.session("p-3"), cap: 4) }
    }
}
