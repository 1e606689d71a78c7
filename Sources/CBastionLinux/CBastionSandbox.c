#define _GNU_SOURCE
#include "CBastionSandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Landlock, as of ABI 7 (Linux 6.15), defined here because linux-libc-dev 6.1 stops at ABI 2. */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#define BASTION_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define BASTION_LANDLOCK_RULE_PATH_BENEATH 1
#define FS_EXECUTE (1ULL << 0)
#define FS_WRITE_FILE (1ULL << 1)
#define FS_READ_FILE (1ULL << 2)
#define FS_READ_DIR (1ULL << 3)
#define FS_REFER (1ULL << 13)    /* ABI 2 */
#define FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#define FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define NET_BIND_TCP (1ULL << 0)    /* ABI 4 */
#define NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define SCOPE_SIGNAL (1ULL << 1)               /* ABI 6 */

const int CBASTION_RLIMIT_NPROC = RLIMIT_NPROC;

struct bastion_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};

struct bastion_landlock_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

int cbastion_landlock_abi(void) {
    return (int)syscall(__NR_landlock_create_ruleset, NULL, 0, BASTION_LANDLOCK_CREATE_RULESET_VERSION);
}

uint64_t cbastion_landlock_fs_all(int abi) {
    if (abi < 1) return 0;
    uint64_t rights = (1ULL << 13) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */
    if (abi >= 2) rights |= FS_REFER;
    if (abi >= 3) rights |= FS_TRUNCATE;
    if (abi >= 5) rights |= FS_IOCTL_DEV;
    return rights;
}

uint64_t cbastion_landlock_fs_file_rights(void) {
    return FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV;
}

uint64_t cbastion_landlock_fs_read_execute(void) { return FS_EXECUTE | FS_READ_FILE | FS_READ_DIR; }

uint64_t cbastion_landlock_net_tcp(void) { return NET_BIND_TCP | NET_CONNECT_TCP; }

uint64_t cbastion_landlock_scope_all(void) { return SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL; }

int cbastion_landlock_create_ruleset(uint64_t fs, uint64_t net, uint64_t scoped, int abi) {
    struct bastion_landlock_ruleset_attr attr = {.handled_access_fs = fs, .handled_access_net = net, .scoped = scoped};
    size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
    return (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
}

int cbastion_landlock_allow_path(int ruleset, int parent, uint64_t allowed) {
    struct bastion_landlock_path_beneath_attr attr = {.allowed_access = allowed, .parent_fd = parent};
    return (int)syscall(__NR_landlock_add_rule, ruleset, BASTION_LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
}

int cbastion_landlock_restrict_self(int ruleset) { return (int)syscall(__NR_landlock_restrict_self, ruleset, 0); }

int cbastion_set_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

int cbastion_reset_signals(void) {
    sigset_t empty;
    sigemptyset(&empty);
    if (sigprocmask(SIG_SETMASK, &empty, NULL) != 0) return -1;
    /* The raw rt_sigaction: glibc refuses signals 32 and 33 (its own), yet a parent may have left
       them ignored, and ignored signals survive execve. An all-zero kernel sigaction is SIG_DFL,
       no flags, empty mask, on every architecture (the handler comes first). */
    unsigned long action[4] = {0, 0, 0, 0};
    for (int signal = 1; signal <= 64; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        if (syscall(SYS_rt_sigaction, signal, action, NULL, 8) != 0) return -1;
    }
    return 0;
}

int cbastion_close_from(int lowest) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) return 0;
    if (errno != ENOSYS) return -1;
#endif
    DIR *directory = opendir("/proc/self/fd");
    if (directory == NULL) return -1;
    int own = dirfd(directory);
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        int fd = atoi(entry->d_name);
        if (fd >= lowest && fd != own) close(fd);
    }
    closedir(directory);
    return 0;
}

int cbastion_drop_capability_bounding_set(void) {
    for (int cap = 0; cap < 64; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
            if (errno == EINVAL) break; /* past the kernel's last capability */
            return -1;
        }
    }
    return 0;
}

int cbastion_drop_capabilities(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    int holds = (data[0].permitted | data[1].permitted | data[0].effective | data[1].effective) != 0;
    if (holds || geteuid() == 0) {
        /* Root must not get them back at execve: no root fix-up, locked (needs CAP_SETPCAP, so first). */
        if (prctl(PR_SET_SECUREBITS,
                  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED
                      | SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
                  0, 0, 0) != 0)
            return -1;
        for (int cap = 0; cap < 64; cap++) {
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
                if (errno == EINVAL) break; /* past the kernel's last capability */
                return -1;
            }
        }
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return -1;
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) return -1;
    /* Verify: nothing permitted, effective or inheritable is left. */
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    if ((data[0].permitted | data[1].permitted | data[0].effective | data[1].effective | data[0].inheritable
         | data[1].inheritable) != 0) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

int cbastion_switch_user(uint32_t uid, uint32_t gid, const uint32_t *groups, size_t count) {
    if (count > 65536) { /* NGROUPS_MAX: the kernel would refuse more; keeps the array off a deep stack */
        errno = EINVAL;
        return -1;
    }
    gid_t list[count > 0 ? count : 1];
    for (size_t index = 0; index < count; index++) list[index] = groups[index];
    if (setgroups(count, list) != 0) return -1;
    if (setresgid(gid, gid, gid) != 0) return -1;
    if (setresuid(uid, uid, uid) != 0) return -1;
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) return -1;
    if (ruid != uid || euid != uid || suid != uid || rgid != gid || egid != gid || sgid != gid) {
        errno = EPERM;
        return -1;
    }
    if (uid != 0 && setuid(0) == 0) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    int saved = errno;
    close(fd);
    if (written != (ssize_t)length) {
        errno = written < 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

int cbastion_unshare(int network, int mounts, int user) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int flags = (network ? CLONE_NEWNET : 0) | (mounts ? CLONE_NEWNS : 0) | (user ? CLONE_NEWUSER : 0);
    if (flags == 0) return 0;
    if (unshare(flags) != 0) return -1;
    if (!user) return 0;
    char map[64];
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    if (write_file("/proc/self/uid_map", map) != 0) return -1;
    if (write_file("/proc/self/setgroups", "deny") != 0) return -1;
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    return write_file("/proc/self/gid_map", map);
}

int cbastion_make_mounts_private(void) { return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL); }

int cbastion_hide_path(const char *path) {
    int fd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return errno == ENOENT ? 0 : -1; /* nothing there: nothing to hide */
    struct stat info;
    int status = fstat(fd, &info);
    close(fd);
    if (status != 0) return -1;
    unsigned long hidden = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (S_ISDIR(info.st_mode)) return mount("bastion-hidden", path, "tmpfs", hidden, "size=4k,nr_inodes=1,mode=000");
    if (mount("/dev/null", path, NULL, MS_BIND, NULL) != 0) return -1;
    return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | hidden, NULL);
}

int cbastion_join_cgroup(const char *directory) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/cgroup.procs", directory) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return write_file(path, "0\n");
}

int cbastion_probe_namespace(int network) {
    pid_t child = fork();
    if (child < 0) return -1;
    if (child == 0) {
        /* Creating the namespaces is what is probed; no id map is written (nothing but raw
           system calls runs in this child of a multi-threaded process). */
        if (network) _exit(unshare(CLONE_NEWNET | (geteuid() != 0 ? CLONE_NEWUSER : 0)) == 0 ? 0 : 1);
        if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0
                               || setresuid(65534, 65534, 65534) != 0)) {
            _exit(2);
        }
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 2) return -1;
    return WEXITSTATUS(status) == 0 ? 1 : 0;
}
