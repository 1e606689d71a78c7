import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension CgroupManager {
    /// The prefix of every server's own directory: `bastion-<pid>`.
    static let rootPrefix = "bastion-"

    /// Finds a writable hierarchy, removes the empty directories that servers no longer running
    /// left behind (`bastion-<pid>` of a dead pid), and creates this server's own.
    /// - Parameters:
    ///   - mountRoot: Where the cgroup file systems are mounted.
    ///   - name: This server's directory name (default `bastion-<pid>`; tests give their own).
    /// - Returns: The manager, or `nil` when no hierarchy is writable (runs go on without cgroups,
    ///   and the kernel summary says so).
    public static func start(
        mountRoot: String = "/sys/fs/cgroup",
        name: String? = nil
    ) -> CgroupManager? {
        let name = name ?? rootPrefix + String(getpid())
        // `/proc/<pid>`, not the `/proc/self` link (directories are opened with O_NOFOLLOW).
        let own = ownCgroups(CgroupFiles.read("cgroup", in: "/proc/\(getpid())") ?? [])
        guard let (version, found) = discover(mountRoot: mountRoot, own: own) else { return nil }
        var hierarchies: [CgroupHierarchy] = []
        for (kind, mount, parent) in found {
            removeStale(in: parent, mount: mount)
            guard CgroupFiles.makeDirectory(name, in: parent) == nil else {
                for made in hierarchies { removeTree(made.root, killing: false, mount: made.mount) }
                return nil
            }
            hierarchies.append(CgroupHierarchy(kind: kind, mount: mount, root: parent + "/" + name))
        }
        return CgroupManager(version: version, hierarchies: hierarchies)
    }

    /// The hierarchies to use, with the directory each server directory goes in: v2 when
    /// `mountRoot` is a cgroup2 mount whose own cgroup of this process delegates `memory` and
    /// `pids` (its `cgroup.subtree_control` has both) and is writable; else v1 when the `memory` and
    /// `pids` hierarchies both hold this process's cgroup, writable.
    static func discover(
        mountRoot: String,
        own: [String: String]
    ) -> (version: Int, [(CgroupHierarchy.Kind, mount: String, parent: String)])? {
        func inside(_ mount: String, _ path: String?) -> String {
            mount + (path.map { PathBytes.equal($0, "/") } == true ? "" : path ?? "")
        }
        if CgroupFiles.exists("cgroup.controllers", in: mountRoot) {
            let parent = inside(mountRoot, own[""])
            let delegated = CgroupFiles.read("cgroup.subtree_control", in: parent).map { contents in
                Set(contents.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A }).map { String(decoding: $0, as: UTF8.self) })
            }
            guard let delegated, delegated.isSuperset(of: ["memory", "pids"]), access(parent, W_OK) == 0 else {
                return nil
            }
            return (2, [(.unified, mountRoot, parent)])
        }
        let memory = (mount: mountRoot + "/memory", path: own["memory"])
        let pids = (mount: mountRoot + "/pids", path: own["pids"])
        let found: [(CgroupHierarchy.Kind, mount: String, parent: String)] = [
            (.memory, memory.mount, inside(memory.mount, memory.path)),
            (.pids, pids.mount, inside(pids.mount, pids.path)),
        ]
        guard found.allSatisfy({ CgroupFiles.exists("cgroup.procs", in: $0.parent) && access($0.parent, W_OK) == 0 })
        else { return nil }
        return (1, found)
    }

    /// `/proc/self/cgroup` as controller → path: `4:memory:/a` gives `memory: /a`, `1:cpu,cpuacct:/`
    /// gives both names, and the v2 line `0::/b` gives `"": /b`.
    static func ownCgroups(_ contents: [UInt8]) -> [String: String] {
        var paths: [String: String] = [:]
        for line in contents.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = String(decoding: fields[2], as: UTF8.self)
            guard PathBytes.isAbsolute(path), !PathBytes.segments(path).contains(where: { PathBytes.equal($0, "..") })
            else { continue }
            let names = fields[1].split(separator: UInt8(ascii: ","))
            if names.isEmpty { paths[""] = path }
            for name in names { paths[String(decoding: name, as: UTF8.self)] = path }
        }
        return paths
    }

    /// Removes the `bastion-<pid>` directories of pids that no longer run, killing what their runs
    /// left behind first: a server killed with SIGKILL cannot end its children, and a child that
    /// outlives its server is a sandboxed program nobody watches. Killing them also keeps start-up
    /// fast: `rmdir` of a populated cgroup fails, and was retried for a second per directory.
    static func removeStale(in parent: String, mount: String) {
        for name in CgroupFiles.subdirectories(of: parent) {
            guard let pid = stalePid(name), pid != getpid() else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            removeTree(parent + "/" + name, killing: true, mount: mount)
        }
    }

    /// The pid of a server directory name (`bastion-123`), `nil` for any other name.
    static func stalePid(_ name: String) -> pid_t? {
        guard PathBytes.hasPrefix(name, rootPrefix) else { return nil }
        let digits = name.dropFirst(rootPrefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let pid = pid_t(digits), pid > 0
        else { return nil }
        return pid
    }
}
