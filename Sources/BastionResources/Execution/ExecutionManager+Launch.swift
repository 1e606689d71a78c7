import BastionSecurity

/// A child started in its sandbox, not yet supervised: what ``ExecutionManager/complete(_:outcome:)``
/// releases once it ends.
struct LaunchedRun: Sendable {
    var plan: ExecutionPlan
    let id: UInt64
    let cgroup: CgroupRun?
    let supervisor: ProcessSupervisor
    /// The client, and the limits its next parked `sandbox-exec` starts with.
    let client: String
    let memoryBytes: Int
    let processes: Int
}

extension ExecutionManager {
    /// The one path every child takes, one-shot run or process session: the request checked and
    /// its policy built (``makePlan(_:client:)``), the client's process slot taken, the run's
    /// cgroup made, `sandbox-exec` spawned. Everything taken is given back when a step fails.
    /// - Parameters:
    ///   - request: What to run.
    ///   - client: The caller.
    ///   - timeoutMs: The run's wall-clock limit, already checked.
    ///   - control: How the run is stopped early.
    ///   - outputCap: Bytes of each stream kept in the outcome.
    ///   - progress: The progress reporter of a one-shot run.
    ///   - session: The process session the run feeds, if any.
    /// - Throws: ``ExecutionError`` when the request is refused or the child cannot start.
    func launch(
        _ request: ExecutionRequest,
        client: ClientContext,
        timeoutMs: Int,
        control: RunControl,
        outputCap: Int,
        progress: ProcessSupervisor.Progress?,
        session: ProcessSession? = nil
    ) throws(ExecutionError) -> LaunchedRun {
        var plan = try makePlan(request, client: client)
        guard let id = registry.admit(client: client.id, cap: client.limits.processes, control: control) else {
            plan.removeCodeFile()
            if registry.isStopped { throw ExecutionError(.busy, "the server is stopping; no new process is started") }
            throw ExecutionError(
                .busy,
                "this client already runs \(client.limits.processes) processes (limits.processes); wait for one to end"
            )
        }
        let cgroup: CgroupRun?
        let child: ProcessSupervisor.Child
        var isPrepared = false
        do throws(ExecutionError) {
            if let parked = takeParked(fitting: plan.policy, client: client) {
                // Started ahead, already in its cgroup, perhaps sandboxed already (issue 10, item 9).
                do throws(ExecutionError) {
                    try checkProcessCount(client, alreadyStarted: 1)
                    if let cgroup = parked.cgroup { try limitParked(cgroup, client: client) }
                } catch {
                    warm.discard(parked)
                    throw error
                }
                cgroup = parked.cgroup
                child = parked.child
                isPrepared = parked.prepared != nil
            } else {
                cgroup = try makeCgroup(run: id, client: client)
                do {
                    child = try launcher.spawn()
                } catch {
                    if let cgroup { cgroups?.finish(cgroup) }
                    throw error
                }
            }
            Self.place(&plan.policy, in: cgroup)
        } catch {
            registry.finish(id)
            plan.removeCodeFile()
            throw error
        }
        var supervisor = ProcessSupervisor(
            child: child,
            control: control,
            timeoutNs: UInt64(timeoutMs) * 1_000_000,
            graceNs: Self.nanoseconds(gracePeriod),
            policyBytes: isPrepared ? plan.policy.launch.encoded() : plan.policy.encoded(),
            stdinBytes: request.stdin,
            outputCap: outputCap,
            progress: progress,
            cgroup: cgroup
        )
        supervisor.session = session
        supervisor.idleNs = UInt64(max(0, client.limits.sessionIdleMs)) * 1_000_000
        session?.started(pid: child.pid, policy: plan.policy)
        return LaunchedRun(
            plan: plan,
            id: id,
            cgroup: cgroup,
            supervisor: supervisor,
            client: client.id,
            memoryBytes: client.limits.memoryMB * 1_048_576,
            processes: client.limits.processes
        )
    }

    /// The run's cgroups in its policy; and, as RLIMIT_NPROC counts every process of the real
    /// user, so that under a shared run_as user one client's runs would use up another's (and
    /// fail its execve), no such limit where the run's cgroup counts instead.
    static func place(_ policy: inout SandboxPolicy, in cgroup: CgroupRun?) {
        policy.cgroups = cgroup?.directories ?? []
        if policy.user != nil, cgroup != nil { policy.limits.processes = nil }
    }

    /// The client's parked `sandbox-exec`, if it has one this run can use: one that applied
    /// nothing, or one prepared with exactly this run's policy but its launch, in directories
    /// unchanged since (``RootStamp``). Any other is discarded (the run starts cold).
    func takeParked(fitting policy: SandboxPolicy, client: ClientContext) -> WarmSandboxes.Parked? {
        guard let parked = warm.take(client: client.id) else { return nil }
        guard let prepared = parked.prepared else { return parked }
        var placed = policy
        Self.place(&placed, in: parked.cgroup)
        // The same policy, and the same directories behind its paths (review 11, finding 2).
        // and the same mounts (review 12, finding 2).
        guard placed.preparedPart == prepared, parked.stamp == RootStamp(prepared),
            parked.mounts == warm.mountTable.generation()
        else {
            warm.discard(parked)
            return nil
        }
        return parked
    }

    /// Gives back what a launched run holds (its process slot, cgroup and code file) and makes its result.
    func complete(_ run: LaunchedRun, outcome: ProcessOutcome) -> ExecutionResult {
        var run = run
        var outcome = outcome
        if let cgroup = run.cgroup { outcome.cgroupUsage = cgroups?.finish(cgroup, removingLater: true) }
        registry.finish(run.id)
        run.plan.removeCodeFile()
        // The next run of a client that runs nothing now starts warm.
        if registry.running(client: run.client) == 0 {
            let client = run.client
            // Prepared with this run's policy (the next run is most often of the same kind), unless
            // the sandbox is a stand-in that knows no launch.
            let ahead = launcher.isOverridden ? nil : run.plan.policy
            warm.prepare(client: client, memoryBytes: run.memoryBytes, processes: run.processes, policy: ahead) {
                [registry] in registry.running(client: client) == 0
            }
        }
        return ExecutionResult(
            outcome: outcome,
            policy: run.plan.policy,
            excludedWriteRoots: run.plan.excludedWriteRoots,
            code: run.plan.code
        )
    }
}
