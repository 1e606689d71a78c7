import ArgumentParser
import Bastion
import BastionProtocol

/// `bastion approve`: answers the tool calls that wait for a person on this machine.
///
/// Every running server with local approvals listens on `<pid>.sock` in the approval directory; the
/// subcommands talk to all of them, so the operator never needs to know which server asked.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "List, allow or deny tool calls waiting for your approval.",
        discussion: """
            Clients configured with approval_channel = "local" wait here for a person's decision. \
            The sockets live in $BASTION_APPROVAL_DIR, else $XDG_RUNTIME_DIR/bastion/approvals, else \
            $XDG_STATE_HOME/bastion/approvals (or ~/.local/state/bastion/approvals).
            """,
        subcommands: [List.self, Show.self, Allow.self, Deny.self]
    )

    /// `bastion approve list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the calls waiting for approval, across every running server."
        )

        @Flag(name: .long, help: "Print a JSON array instead of a table.")
        var json = false

        func run() throws {
            let pending = try ApprovalQueue.pending()
            if json {
                print(JSONWriter.string(.array(pending.map(\.json))))
            } else if pending.isEmpty {
                print("No pending approvals.")
            } else {
                print(ApprovalQueue.table(pending))
            }
        }
    }

    /// `bastion approve show ID`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show everything about one waiting call: what it writes, its diff, what it runs.",
            discussion: """
                In a terminal the text goes through $PAGER (default: less -R); otherwise it is printed. \
                Control and bidirectional characters are shown escaped (\\u{202E}), and secrets masked.
                """
        )

        @Argument(help: "The id shown by `bastion approve list`.")
        var id: String

        @Flag(name: .long, help: "Print even in a terminal, without a pager.")
        var noPager = false

        func run() throws {
            let text = ApprovalQueue.page(try ApprovalQueue.show(id))
            if noPager || !Pager.show(text) { print(text, terminator: "") }
        }
    }

    /// `bastion approve allow ID`.
    struct Allow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allow",
            abstract: "Let a waiting call run."
        )

        @Argument(help: "The id shown by `bastion approve list`.")
        var id: String

        func run() throws {
            let answer = try ApprovalQueue.answer(ApprovalWireProtocol.allowRequest(id: id), id: id)
            print("Allowed \(id): \(answer.tool) for client \(answer.client).")
        }
    }

    /// `bastion approve deny ID [--reason TEXT]`.
    struct Deny: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deny",
            abstract: "Refuse a waiting call."
        )

        @Argument(help: "The id shown by `bastion approve list`.")
        var id: String

        @Option(name: .long, help: ArgumentHelp("Why; the client sees it.", valueName: "text"))
        var reason: String?

        func run() throws {
            let answer = try ApprovalQueue.answer(ApprovalWireProtocol.denyRequest(id: id, reason: reason), id: id)
            print("Denied \(id): \(answer.tool) for client \(answer.client).")
        }
    }
}
