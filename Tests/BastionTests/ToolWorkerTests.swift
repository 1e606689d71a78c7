import CBastionLinux
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ToolWorkerTests {
    /// Review 8, findings 4, 8 and 9: the worker's own filter refuses sockets, programs, processes
    /// and set-ID mode bits, and still lets threads and ordinary modes through. Probed in a forked
    /// child (the filter cannot be removed once installed); each refusal is one bit of the status.
    @Test("The worker's seccomp filter refuses sockets, execve, fork and set-ID bits, not threads or modes")
    func theWorkersFilter() throws {
        let path = "/tmp/bastion-worker-filter-\(getpid())"
        defer { unlink(path) }
        let file = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        try #require(file >= 0)
        close(file)
        let pid = fork()
        try #require(pid >= 0)
        if pid == 0 {
            var bits: Int32 = 0
            if cbastion_seccomp_install_worker() != 0 { _exit(64) }
            if socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) < 0, errno == EPERM { bits |= 1 }
            if chmod(path, 0o4755) != 0, errno == EPERM { bits |= 2 }
            if chmod(path, 0o644) == 0 { bits |= 4 }
            let child = fork()
            if child < 0, errno == EPERM { bits |= 8 } else if child == 0 { _exit(0) }
            var arguments: [UnsafeMutablePointer<CChar>?] = [nil]
            if execv("/bin/true", &arguments) != 0, errno == EPERM { bits |= 16 }
            _exit(bits)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect((status >> 8) & 0xff == 31, "status \(status)")
    }
}
