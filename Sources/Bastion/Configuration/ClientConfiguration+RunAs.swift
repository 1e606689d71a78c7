import BastionSecurity

extension ClientConfiguration {
    /// The user a root server's children run as when `run_as` is omitted.
    public static let defaultRunAs = "nobody"

    /// Resolves a client's `run_as` for a server running as `serverUID`.
    ///
    /// - Root server: the named user (`nobody` when omitted); `"root"` / `"0"` only when written
    ///   out (children then keep uid 0, without capabilities). A user the password database does
    ///   not know is an error: failing closed beats running children as root.
    /// - Any other server: it cannot switch users, so `run_as` may only name its own user, and
    ///   the result is `nil` (children keep the server's user).
    /// - Parameters:
    ///   - specification: The configured value, a login name or a decimal uid; `nil` when omitted.
    ///   - serverUID: The server's effective uid.
    ///   - lookUp: Resolves a specification (default: the password database).
    /// - Returns: The user, or `nil` for "the server's own"; or the message of a configuration error.
    static func resolveRunAs(
        _ specification: String?,
        serverUID: UInt32,
        lookUp: (String) -> SystemUser? = SystemUser.resolve
    ) -> Result<SystemUser?, RunAsProblem> {
        guard serverUID == 0 else {
            guard let specification else { return .success(nil) }
            guard let user = lookUp(specification), user.uid == serverUID else {
                return .failure(
                    RunAsProblem(
                        message: "run_as = \(TOMLString.quoted(specification)) cannot be honoured: the server runs "
                            + "as uid \(serverUID), not as root, and cannot switch its children to another user "
                            + "(remove the key, or run the server as root)"
                    )
                )
            }
            return .success(nil)
        }
        let name = specification ?? defaultRunAs
        guard let user = lookUp(name) else {
            let hint =
                specification == nil
                ? "the server runs as root and its children run as \(TOMLString.quoted(name)) by default, but this "
                    + "system has no such user; set run_as to an unprivileged user"
                : "no user \(TOMLString.quoted(name)) in the password database"
            return .failure(RunAsProblem(message: "run_as: \(hint)"))
        }
        return .success(user)
    }

    /// The warning `check-config` and start-up print for a client whose children keep uid 0.
    public var runAsWarning: String? {
        guard let runAs, runAs.uid == 0 else { return nil }
        return "client \(TOMLString.quoted(id)) has run_as = \(TOMLString.quoted(runAs.name)): its children run "
            + "as uid 0 (without capabilities, still under Landlock and seccomp), and can read and write "
            + "whatever root's files allow"
    }
}

extension BastionConfiguration {
    /// Why a root server must not start with this configuration: a client without a user to run
    /// its children as (the embedded default when the system has no `nobody`). `nil` when fine.
    /// - Parameter serverUID: The server's effective uid.
    public func runAsProblem(serverUID: UInt32) -> String? {
        guard serverUID == 0, let client = clients.first(where: { $0.runAs == nil }) else { return nil }
        return "the server runs as root, and client \(TOMLString.quoted(client.id)) has no user to run its "
            + "children as: the default run_as user \(TOMLString.quoted(ClientConfiguration.defaultRunAs)) does "
            + "not exist on this system; write a configuration with run_as for it (run_as = \"root\" keeps uid 0)"
    }
}

/// Why a `run_as` value cannot be used.
struct RunAsProblem: Error, Equatable {
    var message: String
}
