import BastionProtocol
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// Watches one spawned `sandbox-exec` child until it is reaped, on a thread of its own: feeds the
/// policy and stdin, reads stdout, stderr and the status pipe, and enforces the timeout.
///
/// One `poll(2)` loop over the pidfd, the pipes and the control's wake pipe; no timer thread and no
/// `SIGCHLD`. The child is its own process-group leader once `sandbox-exec` ran `setsid()`, so
/// signals go to `-pid`: grandchildren included. After the child exits, the group is killed before
/// the child is reaped (its pid, hence the group id, cannot be reused while it is a zombie), and
/// the pipes are drained for at most ``drainLimitNs`` in case a descendant escaped the group.
struct ProcessSupervisor {
    struct Child {
        var pid: pid_t
        var pidfd: Int32
        var stdin: Int32
        var stdout: Int32
        var stderr: Int32
        var policy: Int32
        var status: Int32
    }

    /// Reports the latest output of a running child (progress notifications).
    typealias Progress = @Sendable (_ stdout: [UInt8], _ stderr: [UInt8], _ elapsedMs: Int) -> Void

    static let drainLimitNs: UInt64 = 500_000_000
    /// How long one sweep of the cgroup may take in the loop (the rest waits for the end of the run).
    static let cgroupSweepNs: UInt64 = 200_000_000
    static let progressIntervalNs: UInt64 = 500_000_000
    static let statusCap = 64 * 1024

    let child: Child
    let control: RunControl
    let timeoutNs: UInt64
    let graceNs: UInt64
    let policyBytes: [UInt8]
    let stdinBytes: [UInt8]
    let outputCap: Int
    let progress: Progress?
    /// The run's cgroup: every process in it is killed with the group (a descendant that left the
    /// group with `setsid` is still in it).
    var cgroup: CgroupRun? = nil
    /// The process session this run feeds (`start_process`): output goes to its buffers, its input
    /// to the child's stdin (kept open), its signals to the group; `nil` for a one-shot run.
    var session: ProcessSession? = nil
    /// With a session: the run is killed once no call touched it for this long (0: never).
    var idleNs: UInt64 = 0

    /// Runs the loop to the end; closes every descriptor of the child.
    func run() -> ProcessOutcome {
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        var state = LoopState(self)
        state.loop()
        return state.outcome
    }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

extension ProcessSupervisor {
    /// The loop's mutable state.
    struct LoopState {
        let supervisor: ProcessSupervisor
        let started = ProcessSupervisor.now()
        var stdout: OutputCapture
        var stderr: OutputCapture
        var status: OutputCapture
        var policy: InputFeed
        var stdin: InputFeed
        var pidfd: Int32
        var exitStatus: (code: Int32, isSignal: Bool)?
        var termSentAt: UInt64?
        var killSent = false
        var timedOut = false
        var cancelled = false
        var exitedAt: UInt64?
        var lastProgress: UInt64
        var isInputClosureReported = false
        var scratch = [UInt8](repeating: 0, count: 65_536)

        init(_ supervisor: ProcessSupervisor) {
            self.supervisor = supervisor
            let child = supervisor.child
            stdout = OutputCapture(descriptor: child.stdout, cap: supervisor.outputCap)
            stderr = OutputCapture(descriptor: child.stderr, cap: supervisor.outputCap)
            status = OutputCapture(descriptor: child.status, cap: ProcessSupervisor.statusCap)
            policy = InputFeed(descriptor: child.policy, bytes: supervisor.policyBytes)
            stdin = InputFeed(
                descriptor: child.stdin,
                bytes: supervisor.stdinBytes,
                keepsOpen: supervisor.session != nil
            )
            pidfd = child.pidfd
            lastProgress = started
        }

        var isDrained: Bool { !stdout.isOpen && !stderr.isOpen && !status.isOpen }

        mutating func loop() {
            while true {
                let now = ProcessSupervisor.now()
                if exitedAt == nil { enforce(now) }
                if let exitedAt, isDrained || now >= exitedAt + ProcessSupervisor.drainLimitNs { break }
                var fds: [pollfd] = []
                func watch(_ fd: Int32, _ events: Int32) {
                    fds.append(pollfd(fd: fd, events: Int16(events), revents: 0))
                }
                if pidfd >= 0, exitedAt == nil { watch(pidfd, POLLIN) }
                for fd in [stdout.descriptor, stderr.descriptor, status.descriptor] where fd >= 0 { watch(fd, POLLIN) }
                if policy.isOpen { watch(policy.descriptor, POLLOUT) }
                if stdin.isOpen, stdin.hasPending { watch(stdin.descriptor, POLLOUT) }
                watch(supervisor.control.wakeRead, POLLIN)
                let ready = poll(&fds, nfds_t(fds.count), waitMs(now))
                if ready < 0, errno != EINTR { break }
                for entry in fds where entry.revents != 0 { handle(entry.fd) }
                if exitedAt == nil, pidfd < 0 { reapIfExited(block: false) }
                reportProgress()
                reportInputClosure()
            }
            closeAll()
            reportInputClosure()
        }

        /// The timeout and stop requests: TERM first (a timeout), KILL after the grace period or at once.
        mutating func enforce(_ now: UInt64) {
            if let session = supervisor.session { enforce(session, now) }
            let reason = supervisor.control.stopReason
            if reason != .none, !killSent {
                cancelled = true
                killEverything()
                killSent = true
            }
            if termSentAt == nil, now >= started + supervisor.timeoutNs, !killSent {
                timedOut = true
                termSentAt = now
                signalGroup(SIGTERM)
            }
            if let termSentAt, !killSent, now >= termSentAt + supervisor.graceNs {
                killEverything()
                killSent = true
            }
        }

        func waitMs(_ now: UInt64) -> Int32 {
            var next = UInt64.max
            if let exitedAt {
                next = exitedAt + ProcessSupervisor.drainLimitNs
            } else {
                if termSentAt == nil { next = started + supervisor.timeoutNs }
                if let termSentAt, !killSent { next = termSentAt + supervisor.graceNs }
                if pidfd < 0 { next = min(next, now + 20_000_000) }  // no pidfd: poll for the exit
                if let session = supervisor.session, supervisor.idleNs > 0, !killSent {
                    next = min(next, session.lastActivity &+ supervisor.idleNs)
                }
            }
            if supervisor.progress != nil { next = min(next, lastProgress + ProcessSupervisor.progressIntervalNs) }
            guard next != .max else { return -1 }
            return next <= now ? 0 : Int32(min((next - now + 999_999) / 1_000_000, 60_000))
        }

        mutating func handle(_ fd: Int32) {
            switch fd {
            case supervisor.control.wakeRead:
                var drain = [UInt8](repeating: 0, count: 64)
                _ = read(fd, &drain, drain.count)
            case pidfd: reapIfExited(block: true)
            case stdout.descriptor:
                let count = stdout.readAvailable(into: &scratch)
                if count > 0 { supervisor.session?.receive(.stdout, scratch[0..<count]) }
            case stderr.descriptor:
                let count = stderr.readAvailable(into: &scratch)
                if count > 0 { supervisor.session?.receive(.stderr, scratch[0..<count]) }
            case status.descriptor: status.readAvailable(into: &scratch)
            case policy.descriptor: policy.writeAvailable()
            case stdin.descriptor: stdin.writeAvailable()
            default: break
            }
        }

        /// Kills what is left of the group while the child is a zombie, then reaps it.
        mutating func reapIfExited(block: Bool) {
            let pid = supervisor.child.pid
            guard cbastion_child_exited(pid, block ? 1 : 0) == 1 else { return }
            _ = kill(-pid, SIGKILL)
            supervisor.cgroup?.killAll(limitNs: ProcessSupervisor.cgroupSweepNs)
            var code: Int32 = 0
            var signaled: Int32 = 0
            if cbastion_reap(pid, &code, &signaled) == 0 { exitStatus = (code, signaled != 0) }
            if exitedAt == nil { exitedAt = ProcessSupervisor.now() }
            // Nobody reads the child's stdin or policy any more.
            stdin.finish()
            policy.finish()
        }

        /// SIGKILL to the process group, then to whatever else is in the run's cgroup.
        func killEverything() {
            signalGroup(SIGKILL)
            supervisor.cgroup?.killAll(limitNs: ProcessSupervisor.cgroupSweepNs)
        }

        /// Signals the child's process group, or the child alone before `sandbox-exec` made it.
        func signalGroup(_ signal: Int32) {
            if kill(-supervisor.child.pid, signal) != 0 { _ = kill(supervisor.child.pid, signal) }
        }

        mutating func reportProgress() {
            guard let progress = supervisor.progress, exitStatus == nil else { return }
            let now = ProcessSupervisor.now()
            guard now >= lastProgress + ProcessSupervisor.progressIntervalNs else { return }
            lastProgress = now
            guard stdout.unreported > 0 || stderr.unreported > 0 else { return }
            stdout.unreported = 0
            stderr.unreported = 0
            progress(
                Array(stdout.bytes.suffix(1024)),
                Array(stderr.bytes.suffix(1024)),
                Int((now - started) / 1_000_000)
            )
        }

        mutating func closeAll() {
            stdout.finish()
            stderr.finish()
            status.finish()
            stdin.finish()
            policy.finish()
            if pidfd >= 0 {
                close(pidfd)
                pidfd = -1
            }
        }

        var outcome: ProcessOutcome {
            var result = ProcessOutcome(
                stdout: stdout.bytes,
                stderr: stderr.bytes,
                timedOut: timedOut,
                wasCancelled: cancelled,
                // A session's streams are bounded buffers whose readers are told what was dropped.
                truncated: supervisor.session == nil && (stdout.isTruncated || stderr.isTruncated),
                durationMs: Int((exitedAt ?? ProcessSupervisor.now()) - started) / 1_000_000
            )
            if let (code, isSignal) = exitStatus {
                if isSignal { result.signal = ProcessOutcome.signalName(code) } else { result.exitCode = code }
            }
            (result.sandboxReport, result.sandboxFailure) = SandboxStatusLine.parse(status.bytes)
            return result
        }
    }
}

extension ProcessSupervisor.LoopState {
    /// A session's input, signals and idle expiry.
    mutating func enforce(_ session: ProcessSession, _ now: UInt64) {
        // Taken only once the child read what came before: input the child does not read waits in
        // the session, whose bound then refuses more (never an unbounded queue here).
        if !stdin.hasPending {
            let (input, close) = session.takeInput()
            if close { stdin.closeWhenDrained = true }
            if !input.isEmpty || close { stdin.append(input) }
        }
        let signal = supervisor.control.takeSignal()
        if signal != 0, !killSent {
            cancelled = true
            if signal == SIGKILL {
                killEverything()
                killSent = true
            } else {
                // As for a timeout: the signal to the group, then KILL for what is left after the grace.
                signalGroup(signal)
                if termSentAt == nil { termSentAt = now }
            }
        }
        if supervisor.idleNs > 0, !killSent, now >= session.lastActivity &+ supervisor.idleNs {
            session.expiredIdle()
            cancelled = true
            killEverything()
            killSent = true
        }
    }

    /// Tells the session once that its process's stdin is closed.
    mutating func reportInputClosure() {
        guard !isInputClosureReported, !stdin.isOpen, let session = supervisor.session else { return }
        isInputClosureReported = true
        session.inputClosed()
    }
}
