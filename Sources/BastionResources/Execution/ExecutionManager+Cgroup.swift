import BastionSecurity

extension ExecutionManager {
    /// The run's cgroup, limited to the client's `memory_mb` and `processes`; `nil` when the
    /// server has no writable hierarchy, or when making it failed and `cgroup` is not required.
    /// - Throws: ``ExecutionError`` `sandboxFailed` when `[server] require_sandbox` names `cgroup`
    ///   and the run cannot have one (refused before anything starts).
    /// - Throws: ``ExecutionError`` `busy` when the client's runs already hold `limits.processes`
    ///   processes (every descendant counts, not only the runs).
    func makeCgroup(run id: UInt64, client: ClientContext) throws(ExecutionError) -> CgroupRun? {
        // Not while a parked process is moved in: it would be counted before it had its slot.
        try warm.placing { () throws(ExecutionError) -> CgroupRun? in try makeCgroupPlaced(run: id, client: client) }
    }

    private func makeCgroupPlaced(run id: UInt64, client: ClientContext) throws(ExecutionError) -> CgroupRun? {
        // A parked process in the client's directory is no run's: not counted, and left its slot.
        let parked = warm.isInCgroup(client: client.id) ? 1 : 0
        try checkProcessCount(client, alreadyStarted: parked)
        let run = cgroups?.makeRun(
            client: client.id,
            id: id,
            memoryBytes: client.limits.memoryMB * 1_048_576,
            processes: client.limits.processes,
            reserved: parked
        )
        if run == nil, requiredFeatures.contains(SandboxFeature.cgroup.rawValue) {
            throw ExecutionError(
                .sandboxFailed,
                cgroups == nil
                    ? "cgroup is required (require_sandbox) but the server found no writable cgroup hierarchy"
                    : "cgroup is required (require_sandbox) but no cgroup could be made for this run"
            )
        }
        return run
    }

    /// Refuses a run when the client's runs already hold `limits.processes` processes, not
    /// counting the `alreadyStarted` ones of this run (a parked `sandbox-exec` it took).
    func checkProcessCount(_ client: ClientContext, alreadyStarted: Int) throws(ExecutionError) {
        let cap = max(1, client.limits.processes)
        if let total = cgroups?.processCount(client: client.id), case let count = total - alreadyStarted, count >= cap {
            throw ExecutionError(
                .busy,
                "this client's runs already hold \(count) processes (limits.processes = \(cap) counts every "
                    + "descendant); wait for one to end"
            )
        }
    }

    /// Sets the limits of a parked process's cgroup for the client taking it.
    func limitParked(_ cgroup: CgroupRun, client: ClientContext) throws(ExecutionError) {
        guard
            cgroups?.limit(cgroup, memoryBytes: client.limits.memoryMB * 1_048_576, processes: client.limits.processes)
                ?? true
        else { throw ExecutionError(.sandboxFailed, "cannot set the limits of this run's cgroup") }
    }
}
