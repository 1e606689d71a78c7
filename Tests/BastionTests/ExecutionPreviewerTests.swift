import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ExecutionPreviewerTests {
    private let previewer = ExecutionPreviewer()

    @Test func aCommandShowsEachArgumentQuotedOnItsOwnLine() throws {
        let client = SessionTestSupport.makeClient()
        let arguments: [String: JSONValue] = [
            "command": ["git", "commit", "-m", "fix \"quotes\" and spaces", "--\u{202E}txt"],
            "env": ["GIT_AUTHOR_NAME": "me", "GITHUB_TOKEN": "abc"], "stdin": "input\n", "sudo": true,
            "timeout_ms": 5000,
        ]
        let preview = try #require(
            previewer.preview(tool: ToolFixtures.tool("run_command"), arguments: arguments, client: client)
        )
        #expect(preview.title.hasPrefix(#"Runs the program "git" with 4 arguments in "#))
        #expect(preview.title.contains("(the client's working directory)"))
        let lines = preview.body.split(separator: "\n").map(String.init)
        #expect(
            lines.prefix(5) == [
                #"program: "git""#, #"argument 1: "commit""#, #"argument 2: "-m""#,
                #"argument 3: "fix \"quotes\" and spaces""#, #"argument 4: "--\u{202E}txt""#,
            ]
        )
        #expect(preview.body.contains("  GITHUB_TOKEN=\"<redacted>\""))
        #expect(preview.body.contains("  GIT_AUTHOR_NAME=\"me\""))
        #expect(preview.body.contains("standard input (6 bytes):\ninput"))
        #expect(preview.body.contains("with elevated privileges (sudo)"))
        #expect(preview.body.contains("time limit: 5000 ms"))
    }

    @Test func codeIsShownWholeWithItsLanguage() throws {
        let client = SessionTestSupport.makeClient()
        let code = "import os\nprint(os.getcwd())\n"
        let preview = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("run_code"),
                arguments: ["language": "python3", "code": .string(code)],
                client: client
            )
        )
        #expect(preview.title.hasPrefix(#"Runs this "python3" code (29 bytes) in "#))
        #expect(preview.body.hasPrefix(code))
    }

    @Test func sessionInputAndAnInteractiveStartAreShown() throws {
        let client = SessionTestSupport.makeClient()
        let write = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("write_process_input"),
                arguments: ["sessionId": "p-1", "input": "import os\n", "close": true],
                client: client
            )
        )
        #expect(write.title == #"Writes 10 bytes to process session "p-1", then closes its input:"#)
        #expect(write.body == "import os\n")
        let repl = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("start_process"),
                arguments: ["language": "python3"],
                client: client
            )
        )
        #expect(repl.title.hasPrefix(#"Starts the "python3" interpreter interactively in "#))
    }

    @Test func theWorkingDirectoryIsResolvedLikeAnyPath() throws {
        let client = SessionTestSupport.makeClient()
        let preview = try #require(
            previewer.preview(
                tool: ToolFixtures.tool("run_command"),
                arguments: ["command": ["ls"], "cwd": "/"],
                client: client
            )
        )
        #expect(preview.title.hasSuffix(" in /:"))
    }

    @Test func anythingElseHasNoPreview() {
        let none = previewer.preview(
            tool: ToolFixtures.tool("run_command"),
            arguments: [:],
            client: SessionTestSupport.makeClient()
        )
        #expect(none == nil)
        #expect(previewer.toolNames == ["run_command", "run_code", "start_process", "write_process_input"])
    }
}
