#define _GNU_SOURCE
#include "CBastionRoot.h"
#include "CBastionLinux.h"

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The child's root, built the way bubblewrap builds one: a tmpfs on /tmp becomes the root
   (pivot_root), the old root stays reachable at /oldroot while the new one is filled at /newroot
   with bind mounts of the listed paths only, then /newroot becomes the root and the old one is
   detached. Whatever is not listed — other users' files, the server's state, every pathname UNIX
   socket (docker.sock, D-Bus), which Landlock ABI 7 cannot keep a child from connecting to — does
   not exist for the child. Runs in a private mount namespace, single-threaded, before Landlock. */

static int pivot(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* Creates every missing directory of `path` (absolute) below the current root, 0755. */
static int make_parents(const char *path) {
    char buffer[PATH_MAX];
    size_t length = strlen(path);
    if (length >= sizeof buffer) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buffer, path, length + 1);
    for (char *slash = strchr(buffer + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(buffer, 0755) != 0 && errno != EEXIST) return -1;
        *slash = '/';
    }
    return 0;
}

static int join(char *buffer, size_t size, const char *prefix, const char *path) {
    if (snprintf(buffer, size, "%s%s", prefix, path) >= (int)size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* The flags a bind mount must keep when remounted (in a user namespace the kernel refuses to
   drop locked ones), plus nosuid, nodev but for devices, and read-only unless `writable`. */
static unsigned long remount_flags(const char *source, int writable, int is_device) {
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID;
    struct statvfs info;
    if (statvfs(source, &info) == 0) {
        if (info.f_flag & ST_NODEV) flags |= MS_NODEV;
        if (info.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
        if (info.f_flag & ST_NOATIME) flags |= MS_NOATIME;
        if (info.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
        if (info.f_flag & ST_RELATIME) flags |= MS_RELATIME;
        if (info.f_flag & ST_RDONLY) flags |= MS_RDONLY;
    }
    if (!is_device) flags |= MS_NODEV;
    if (!writable) flags |= MS_RDONLY;
    return flags;
}

/* Opens `path` (absolute, beneath the current root) as an O_PATH descriptor without following any
   symbolic link on the way (review 5, finding 1: a sibling run swapped a directory of the workdir
   for a `../../` link between the server's plan and this bind, and the host's own directories
   were mounted into the new root). */
static int open_exact(const char *path) {
    return cbastion_openat2(AT_FDCWD, path, O_PATH | O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

/* `/oldroot/proc/self/fd/<fd>`: mount(2) given this magic link acts on the very file the descriptor
   holds, never on a path resolved again. */
static int fd_path(char *buffer, size_t size, int fd) {
    if (snprintf(buffer, size, "/oldroot/proc/self/fd/%d", fd) >= (int)size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* Binds /oldroot<path> onto /newroot<path>, both opened without following links; a path missing
   from the old root is skipped. */
static int bind_path(const char *path, int writable) {
    char source[PATH_MAX], target[PATH_MAX], via[64];
    if (join(source, sizeof source, "/oldroot", path) != 0 || join(target, sizeof target, "/newroot", path) != 0)
        return -1;
    int source_fd = open_exact(source);
    if (source_fd < 0) return errno == ENOENT ? 0 : -1;
    struct stat info;
    if (fstat(source_fd, &info) != 0) goto fail_source;
    struct stat existing;
    if (lstat(target, &existing) != 0) { /* else inside a path bound already: mounted over */
        if (make_parents(target) != 0) goto fail_source;
        if (S_ISDIR(info.st_mode)) {
            if (mkdir(target, 0755) != 0) goto fail_source;
        } else {
            int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (fd < 0) goto fail_source;
            close(fd);
        }
    }
    int target_fd = open_exact(target);
    if (target_fd < 0) goto fail_source;
    char target_via[64];
    if (fd_path(via, sizeof via, source_fd) != 0 || fd_path(target_via, sizeof target_via, target_fd) != 0
        || mount(via, target_via, NULL, MS_BIND | MS_REC, NULL) != 0) {
        close(target_fd);
        goto fail_source;
    }
    close(target_fd);
    /* The descriptor held the covered file: reopen the target, now the bind's root, to remount it. */
    target_fd = open_exact(target);
    if (target_fd < 0) goto fail_source;
    int is_device = S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode);
    unsigned long flags = remount_flags(via, writable, is_device);
    int status = fd_path(target_via, sizeof target_via, target_fd) == 0 ? mount(NULL, target_via, NULL, flags, NULL) : -1;
    int saved = errno;
    close(target_fd);
    close(source_fd);
    errno = saved;
    return status;
fail_source:
    saved = errno;
    close(source_fd);
    errno = saved;
    return -1;
}

static int make_link(const char *path, const char *target) {
    char link[PATH_MAX];
    if (join(link, sizeof link, "/newroot", path) != 0 || make_parents(link) != 0) return -1;
    if (symlink(target, link) != 0 && errno != EEXIST) return -1;
    return 0;
}

/* A procfs of its own where the kernel allows it (root: hidepid=invisible, so other processes —
   their command lines included — are not even listed; Landlock's ptrace scope decides who is
   "other"), else a bind of the old one. */
static int mount_proc(int *is_private) {
    if (mkdir("/newroot/proc", 0555) != 0 && errno != EEXIST) return -1;
    *is_private = 0;
    /* gid= names the group that sees every process anyway; its default, 0, would be a root child's
       own. 4294967294 ((gid_t)-2) is no group a child is given. */
    if (mount("proc", "/newroot/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible,gid=4294967294")
        == 0) {
        *is_private = 1;
        return 0;
    }
    if (mount("/oldroot/proc", "/newroot/proc", NULL, MS_BIND | MS_REC, NULL) != 0) return -1;
    return 0;
}

int cbastion_enter_minimal_root(
    const char *const *paths, const int *writable, size_t count, const char *const *link_paths,
    const char *const *link_targets, size_t link_count, int *proc_private, int *failed_index) {
    *failed_index = -1;
    *proc_private = 0;
    if (mount("bastion-root", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m,nr_inodes=16384") != 0)
        return -1;
    if (chdir("/tmp") != 0) return -1;
    if (mkdir("newroot", 0755) != 0 || mkdir("oldroot", 0755) != 0) return -1;
    if (pivot("/tmp", "/tmp/oldroot") != 0) return -1;
    if (chdir("/") != 0) return -1;
    if (mount("newroot", "newroot", NULL, MS_BIND | MS_REC, NULL) != 0) return -1;
    for (size_t index = 0; index < count; index++) {
        if (bind_path(paths[index], writable[index]) != 0) {
            *failed_index = (int)index;
            return -1;
        }
    }
    for (size_t index = 0; index < link_count; index++) {
        if (make_link(link_paths[index], link_targets[index]) != 0) {
            *failed_index = (int)(count + index);
            return -1;
        }
    }
    if (mount_proc(proc_private) != 0) return -1;
    /* The tmpfs holding the new root's skeleton becomes read-only: a child creates nothing at / . */
    if (mount(NULL, "/newroot", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0) return -1;
    if (mount("oldroot", "oldroot", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -1;
    if (umount2("oldroot", MNT_DETACH) != 0) return -1;
    if (chdir("/newroot") != 0) return -1;
    if (pivot(".", ".") != 0) return -1;
    if (umount2(".", MNT_DETACH) != 0) return -1;
    return chdir("/");
}
