import BastionSecurity

extension BastionConfiguration {
    /// Programs that run other programs of their arguments' choosing (`find -exec`, `git -c
    /// alias.x='!sh'`, `tar --to-command`, `awk 'BEGIN{system(…)}'`, an interpreter): a
    /// `system_command` grant for one is as strong as `code_execution`, inside the same sandbox.
    static let programRunners: Set<String> = [
        "find", "git", "xargs", "env", "sh", "bash", "dash", "zsh", "ksh", "fish", "python", "python3", "perl",
        "ruby", "node", "nodejs", "php", "lua", "tclsh", "awk", "gawk", "mawk", "sed", "tar", "make", "vim", "vi",
        "nvim", "less", "more", "man", "ssh", "nice", "timeout", "nohup", "strace", "busybox", "rsync", "zip",
        "docker", "sudo", "su", "script", "flock", "watch", "parallel", "npm", "npx", "pip", "pip3", "cargo", "go",
        "java", "gdb", "emacs", "ed", "ex", "expect", "socat", "time", "stdbuf", "setsid", "chroot", "unshare",
    ]

    /// What `check-config` and `serve` say about a configuration that is valid but grants more than
    /// it seems to: `system_command` grants for programs that run other programs, or patterns with
    /// wildcards (which may match one). One line per grant, naming the client.
    public var warnings: [String] {
        var lines: [String] = []
        for client in clients {
            for case .systemCommand(let pattern) in client.permissions {
                let name = PathBytes.splitLast(pattern)?.name ?? pattern
                let hasWildcard = pattern.utf8.contains { byte in
                    byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[")
                }
                guard hasWildcard || Self.programRunners.contains(name) else { continue }
                let why =
                    hasWildcard
                    ? "may match a program that runs other programs (a shell, find, git…)"
                    : "runs other programs of its arguments' choosing"
                lines.append(
                    "client \"\(client.id)\": system_command:\(pattern) \(why): it is as strong as code_execution "
                        + "(inside the same sandbox), whatever its arguments"
                )
            }
        }
        return lines
    }
}
