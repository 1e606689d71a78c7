#ifndef CBASTION_LINUX_H
#define CBASTION_LINUX_H

#include <stdint.h>
#include <sys/types.h>

/* posix_spawn and pidfd for the execution layer. */
#include "CBastionSpawn.h"

/// Linux system calls that Swift cannot reach through Glibc: glibc has no wrapper for them, and
/// `syscall(2)` is variadic, which Swift does not import. Each returns -1 and sets errno on failure.

/// `prctl(PR_SET_DUMPABLE, 0)`: this process's /proc files become root's and no process of the
/// same user may ptrace it or read its memory or environment (nor does it dump core). 0 or -1.
int cbastion_set_undumpable(void);

/// openat2(2): opens `path` relative to `dirfd` with `resolve` flags (RESOLVE_BENEATH, …).
/// Sets errno to ENOSYS on kernels older than 5.6.
int cbastion_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);

/// renameat2(2) with `flags` (RENAME_NOREPLACE: fail with EEXIST instead of replacing).
int cbastion_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

/// The birth time of an open file from statx(2), in seconds and nanoseconds; returns -1 when the
/// file system does not record it.
int cbastion_birth_time(int fd, int64_t *seconds, uint32_t *nanoseconds);

/// write(2) that never waits: pwritev2(2) at the current position with RWF_NOWAIT. Returns the bytes
/// written, or -1 with errno EAGAIN when the descriptor cannot take any now, and EOPNOTSUPP where
/// the kernel or the file does not support it (pipes and sockets do since Linux 6.x).
long cbastion_write_nowait(int fd, const void *bytes, size_t count);

/// RESOLVE_* and RENAME_* constants, for Swift.
extern const uint64_t CBASTION_RESOLVE_NO_XDEV;
extern const uint64_t CBASTION_RESOLVE_NO_MAGICLINKS;
extern const uint64_t CBASTION_RESOLVE_NO_SYMLINKS;
extern const uint64_t CBASTION_RESOLVE_BENEATH;
extern const unsigned int CBASTION_RENAME_NOREPLACE;
/// O_PATH, which Glibc's Swift module hides behind _GNU_SOURCE.
extern const int CBASTION_O_PATH;

/// Which file `path` names (the entry itself, links not followed): device, inode and birth time
/// (seconds, nanoseconds; 0 where the file system keeps none) in `identity`. An inode number is
/// reused at once after a removal; with its birth time it names one file. 0, or -1 and errno.
int cbastion_file_identity(const char *path, uint64_t identity[4]);

/* Landlock, seccomp, namespaces and process clean-up for sandbox-exec. */
#include "CBastionSandbox.h"
#include "CBastionRoot.h"

/* POSIX ACL extended attributes, for workdirs shared with the run_as user. */
#include "CBastionACL.h"

#endif
