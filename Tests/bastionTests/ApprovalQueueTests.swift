import BastionProtocol
import Testing

@testable import bastion

struct ApprovalQueueTests {
    @Test(arguments: [
        (Int64(0), "0s"), (999, "0s"), (42_000, "42s"), (60_000, "1m00s"), (185_000, "3m05s"),
        (3_720_000, "1h02m"), (-5, "0s"),
    ])
    func agesAreShort(milliseconds: Int64, expected: String) {
        #expect(ApprovalQueue.age(milliseconds) == expected)
    }

    @Test func theTableAlignsItsColumns() {
        let items = [
            ApprovalQueue.Item(
                id: "k3f9qa",
                client: "claude",
                tool: "write_file",
                summary: #"path="a.txt""#,
                description: "",
                ageMs: 5000,
                pid: 10
            ),
            ApprovalQueue.Item(
                id: "zz2222",
                client: "c",
                tool: "run_command",
                summary: #"command=["ls"]"#,
                description: "",
                ageMs: 65_000,
                pid: 11
            ),
        ]
        let lines = ApprovalQueue.table(items).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "ID      AGE    CLIENT  TOOL         SUMMARY")
        #expect(lines[1] == #"k3f9qa  5s     claude  write_file   path="a.txt""#)
        #expect(lines[2] == #"zz2222  1m05s  c       run_command  command=["ls"]"#)
    }

    @Test func theItemsJSONKeepsEveryField() {
        let item = ApprovalQueue.Item(
            id: "k3f9qa",
            client: "claude",
            tool: "t",
            summary: "s",
            description: "d",
            ageMs: 7,
            pid: 3
        )
        #expect(item.json["pid"] == 3)
        #expect(item.json["age_ms"] == 7)
        #expect(item.json["description"] == "d")
    }

    @Test func thePageIsTheDescriptionThenThePreviewThenTheFooter() {
        var item = ApprovalQueue.Item(
            id: "k3f9qa",
            client: "claude",
            tool: "write_file",
            summary: "s",
            description: "Client wants.",
            ageMs: 42_000,
            pid: 7
        )
        #expect(ApprovalQueue.page(item) == "Client wants.\nId: k3f9qa · waiting for 42s · server pid 7\n")
        item.preview = "Creates /w/a.txt:\nhello"
        #expect(
            ApprovalQueue.page(item)
                == "Client wants.\n\nCreates /w/a.txt:\nhello\nId: k3f9qa · waiting for 42s · server pid 7\n"
        )
    }
}
