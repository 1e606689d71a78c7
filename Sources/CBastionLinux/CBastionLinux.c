#define _GNU_SOURCE
#include "CBastionLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

const uint64_t CBASTION_RESOLVE_NO_XDEV = RESOLVE_NO_XDEV;
const uint64_t CBASTION_RESOLVE_NO_MAGICLINKS = RESOLVE_NO_MAGICLINKS;
const uint64_t CBASTION_RESOLVE_NO_SYMLINKS = RESOLVE_NO_SYMLINKS;
const uint64_t CBASTION_RESOLVE_BENEATH = RESOLVE_BENEATH;
const unsigned int CBASTION_RENAME_NOREPLACE = 1; /* RENAME_NOREPLACE */
const int CBASTION_O_PATH = O_PATH;

int cbastion_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = flags;
    how.mode = mode;
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int cbastion_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}

int cbastion_birth_time(int fd, int64_t *seconds, uint32_t *nanoseconds) {
    struct statx info;
    memset(&info, 0, sizeof info);
    if (statx(fd, "", AT_EMPTY_PATH, STATX_BTIME, &info) != 0) return -1;
    if (!(info.stx_mask & STATX_BTIME)) {
        errno = ENODATA;
        return -1;
    }
    *seconds = info.stx_btime.tv_sec;
    *nanoseconds = info.stx_btime.tv_nsec;
    return 0;
}

long cbastion_write_nowait(int fd, const void *bytes, size_t count) {
    struct iovec vector = {.iov_base = (void *)bytes, .iov_len = count};
    return (long)pwritev2(fd, &vector, 1, -1, RWF_NOWAIT);
}

int cbastion_set_undumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

int cbastion_file_identity(const char *path, uint64_t identity[4]) {
    struct statx info;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, STATX_INO | STATX_BTIME, &info) != 0) return -1;
    identity[0] = ((uint64_t)info.stx_dev_major << 32) | info.stx_dev_minor;
    identity[1] = info.stx_ino;
    identity[2] = (info.stx_mask & STATX_BTIME) ? (uint64_t)info.stx_btime.tv_sec : 0;
    identity[3] = (info.stx_mask & STATX_BTIME) ? info.stx_btime.tv_nsec : 0;
    return 0;
}
