import BastionProtocol
import Testing

@testable import BastionSecurity

struct AuditEntryTests {
    @Test func defaultsLeaveOptionalPartsOut() {
        let entry = AuditEntry(event: "start")
        #expect(entry.members() == ["event": "start"])
    }

    @Test func membersCarryEveryGivenPart() {
        let entry = AuditEntry(
            event: "request",
            client: "claude",
            transport: "stdio",
            session: "s-1",
            method: "tools/call",
            requestID: 7,
            fields: ["tool": "echo", "duration_us": 12]
        )
        #expect(
            entry.members() == [
                "event": "request", "client": "claude", "transport": "stdio", "session": "s-1",
                "method": "tools/call", "id": 7, "tool": "echo", "duration_us": 12,
            ]
        )
    }

    @Test func theRequestIDKeepsItsJSONType() {
        #expect(AuditEntry(event: "request", requestID: "abc").members()["id"] == "abc")
        #expect(AuditEntry(event: "request", requestID: 3).members()["id"] == 3)
    }

    @Test func namedPartsWinOverFieldsWithTheSameKey() {
        let entry = AuditEntry(
            event: "request",
            client: "real",
            fields: ["event": "forged", "client": "forged", "tool": "echo"]
        )
        let members = entry.members()
        #expect(members["event"] == "request")
        #expect(members["client"] == "real")
        #expect(members["tool"] == "echo")
    }

    @Test func membersNeverContainSeqOrTimestamp() {
        let members = AuditEntry(event: "x", client: "c", method: "m").members()
        #expect(members["seq"] == nil)
        #expect(members["ts"] == nil)
    }
}
