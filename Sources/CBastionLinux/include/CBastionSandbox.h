#ifndef CBASTION_SANDBOX_H
#define CBASTION_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// Kernel sandboxing interfaces for `bastion sandbox-exec` and `KernelSandboxSupport`: Landlock,
/// seccomp, namespaces, and the process clean-up done before `execve`. Raw system calls because
/// glibc has no wrapper for most of them and Swift cannot call the variadic `prctl`/`syscall`.
/// The installed <linux/landlock.h> (linux-libc-dev 6.1) knows only ABI 2, so the newer structure
/// fields and flags are defined in CBastionSandbox.c. Each function returns -1 and sets errno on failure.

/// The highest Landlock ABI the kernel offers (`LANDLOCK_CREATE_RULESET_VERSION`); -1 with errno
/// ENOSYS (kernel without Landlock) or EOPNOTSUPP (Landlock disabled at boot).
int cbastion_landlock_abi(void);

/// Every file-system access right Landlock ABI `abi` knows (ABI 1: 13 rights, 2: REFER,
/// 3: TRUNCATE, 5: IOCTL_DEV).
uint64_t cbastion_landlock_fs_all(int abi);
/// The rights that apply to a non-directory (EXECUTE, WRITE_FILE, READ_FILE, TRUNCATE, IOCTL_DEV).
uint64_t cbastion_landlock_fs_file_rights(void);
/// Read and execute: EXECUTE, READ_FILE, READ_DIR.
uint64_t cbastion_landlock_fs_read_execute(void);
/// LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP (ABI 4).
uint64_t cbastion_landlock_net_tcp(void);
/// LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL (ABI 6).
uint64_t cbastion_landlock_scope_all(void);

/// landlock_create_ruleset(2); `abi` chooses the size of the attribute passed (the kernel refuses
/// fields it does not know): ABI 1–3 handle only `fs`, 4–5 also `net`, 6+ also `scoped`.
int cbastion_landlock_create_ruleset(uint64_t fs, uint64_t net, uint64_t scoped, int abi);
/// landlock_add_rule(2), LANDLOCK_RULE_PATH_BENEATH for the open (O_PATH) descriptor `parent`.
int cbastion_landlock_allow_path(int ruleset, int parent, uint64_t allowed);
/// landlock_restrict_self(2) (needs PR_SET_NO_NEW_PRIVS or CAP_SYS_ADMIN).
int cbastion_landlock_restrict_self(int ruleset);

/// Whether the kernel has seccomp filters (prctl PR_GET_SECCOMP answers and
/// SECCOMP_GET_ACTION_AVAIL knows SECCOMP_RET_ERRNO): 1, or 0.
int cbastion_seccomp_available(void);
/// Builds and installs (SECCOMP_SET_MODE_FILTER) Bastion's filter for the architecture this file
/// was compiled for: kills on any other audit architecture (x32 and i386 calls included), answers
/// EPERM to the denied calls (see CBastionSandbox.c), ENOSYS to clone3 (so libc falls back to clone,
/// whose flags the filter can see) and, when `restricts_network`, EPERM to `socket` for any domain
/// but AF_UNIX. Needs PR_SET_NO_NEW_PRIVS first. Returns the number of denied system calls.
int cbastion_seccomp_install(int restricts_network);

/// The isolation worker's own filter, stacked on the child's: no socket or connect, no execve,
/// no fork (threads only), no set-user-ID or set-group-ID mode bits. Returns 0, or -1 with errno.
int cbastion_seccomp_install_worker(void);

/// prctl(PR_SET_NO_NEW_PRIVS, 1).
int cbastion_set_no_new_privs(void);
/// Resets the signal mask to empty and every catchable signal's disposition to SIG_DFL.
int cbastion_reset_signals(void);
/// Closes every descriptor >= `lowest` (close_range(2), with a /proc/self/fd fallback before 5.9).
int cbastion_close_from(int lowest);
/// setgroups, setgid, setuid, then checks that every real, effective and saved id stuck and that
/// uid 0 cannot be regained.
int cbastion_switch_user(uint32_t uid, uint32_t gid, const uint32_t *groups, size_t count);
/// Empties the capability bounding set (needs CAP_SETPCAP: call it before switching to another
/// user, which clears the permitted set); 0 or -1 with errno.
int cbastion_drop_capability_bounding_set(void);
/// Empties every capability set (bounding, ambient, permitted, effective, inheritable) and locks
/// the securebits so a root child cannot regain them at execve; 0 or -1 with errno.
int cbastion_drop_capabilities(void);
/// unshare(2) of a new network namespace (`network`) and/or mount namespace (`mounts`); with
/// `user`, also a user namespace mapping the caller's ids onto themselves (unprivileged callers).
int cbastion_unshare(int network, int mounts, int user);
/// In a private mount namespace: makes every mount private, then hides `path` beneath an empty,
/// read-only tmpfs (directory) or a read-only bind of /dev/null (anything else).
int cbastion_make_mounts_private(void);
int cbastion_hide_path(const char *path);
/// Writes "0" (this process) to `directory`/cgroup.procs.
int cbastion_join_cgroup(const char *directory);
/// Forks a child that tries a namespace and exits: with `network`, a network namespace as the
/// caller (through a user namespace when not root); otherwise an unprivileged user namespace
/// (dropping to uid/gid 65534 first when root). 1 when it worked, 0 when refused, -1 when the
/// probe itself failed. Only async-signal-safe calls run in the child.
int cbastion_probe_namespace(int network);

/// RLIMIT_NPROC, which Glibc's Swift module hides behind _GNU_SOURCE.
extern const int CBASTION_RLIMIT_NPROC;

#endif
