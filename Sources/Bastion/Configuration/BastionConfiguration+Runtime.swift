import BastionResources
import BastionSecurity

extension BastionConfiguration {
    /// Why a client's workdir may not hold what the server runs (review 9, finding 2): whatever a
    /// client runs may write its workdir, so a library planted beside the binary there (the loader
    /// searches `$ORIGIN` first) would run in the next `sandbox-exec` before any sandbox, as the
    /// server's user. One line per workdir that holds one of `runtime`.
    /// - Parameter runtime: The server's runtime files (`RuntimeFiles.unwritable`).
    public func workdirsHoldingRuntime(_ runtime: [String]) -> [String] {
        // And the code directory's place (`/tmp/bastion-code-…`): a workdir holding it would
        // bind it writable into every child (review 12, finding 1).
        let runtime = [CodeDirectory.defaultTemplate] + runtime
        return clients.compactMap { client in
            let forms = Set([client.workdir, ConfigurationPaths.canonical(client.workdir)])
            // Holding one, or inside one (review 10, finding 7: the loader searches a library
            // directory's subdirectories, `glibc-hwcaps/…`, `tls/`, first).
            guard
                let held = runtime.first(where: { path in
                    forms.contains { PathBytes.isWithin(path, $0) || PathBytes.isWithin($0, path) }
                })
            else { return nil }
            guard held != CodeDirectory.defaultTemplate else {
                return "client \"\(client.id)\": its workdir \(client.workdir) holds Bastion's code directory "
                    + "(\(CodeDirectory.defaultTemplate)), where the code of every run waits; code the client runs could "
                    + "replace it (give the client a workdir of its own, not /tmp or above it)"
            }
            return "client \"\(client.id)\": its workdir \(client.workdir) holds \(held), which the server runs; "
                + "code the client runs could replace it (move the workdir, or install the binary elsewhere)"
        }
    }
}
