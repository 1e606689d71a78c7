/// One cgroup hierarchy the ``CgroupManager`` uses, with this server's directory in it.
struct CgroupHierarchy: Sendable, Hashable {
    /// What the hierarchy controls.
    enum Kind: Sendable, Hashable {
        /// cgroup v2: memory and pids in one directory.
        case unified
        /// cgroup v1 `memory` controller.
        case memory
        /// cgroup v1 `pids` controller.
        case pids
    }

    var kind: Kind
    /// Where the hierarchy is mounted (`/sys/fs/cgroup/memory`): a path inside it, minus this
    /// prefix, is what `/proc/<pid>/cgroup` shows.
    var mount: String
    /// This server's directory: `<mount><own cgroup>/bastion-<pid>`.
    var root: String

    /// `pids.max` of a client's directory (hierarchical: every run of the client counts).
    func setClientLimit(processes: Int, in directory: String) -> Bool {
        guard kind != .memory else { return true }
        return CgroupFiles.write(String(max(1, processes)), to: "pids.max", in: directory) == nil
    }

    /// The run's own limits: memory for all its processes together, swap none (where the kernel
    /// accounts it), and `pids.max`.
    func setRunLimits(memoryBytes: Int, processes: Int, in directory: String) -> Bool {
        let memory = String(max(1 << 20, memoryBytes))
        switch kind {
        case .pids:
            return CgroupFiles.write(String(max(1, processes)), to: "pids.max", in: directory) == nil
        case .memory:
            guard CgroupFiles.write(memory, to: "memory.limit_in_bytes", in: directory) == nil else { return false }
            // memory+swap, at least memory.limit_in_bytes; absent without swap accounting.
            guard CgroupFiles.exists("memory.memsw.limit_in_bytes", in: directory) else { return true }
            return CgroupFiles.write(memory, to: "memory.memsw.limit_in_bytes", in: directory) == nil
        case .unified:
            guard CgroupFiles.write(memory, to: "memory.max", in: directory) == nil,
                CgroupFiles.write(String(max(1, processes)), to: "pids.max", in: directory) == nil
            else { return false }
            guard CgroupFiles.exists("memory.swap.max", in: directory) else { return true }
            return CgroupFiles.write("0", to: "memory.swap.max", in: directory) == nil
        }
    }
}
