#define _GNU_SOURCE
#include "CBastionSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define CBASTION_SPAWN_MAX_FDS 16

pid_t cbastion_spawn(const char *path, char *const argv[], char *const envp[], const int *fds, int count) {
    if (count < 0 || count > CBASTION_SPAWN_MAX_FDS) {
        errno = EINVAL;
        return -1;
    }
    /* A source below `count` could be overwritten by an earlier dup2: move every source above. */
    int sources[CBASTION_SPAWN_MAX_FDS];
    int moved = 0;
    for (int i = 0; i < count; i++) {
        sources[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, count);
        if (sources[i] < 0) {
            int saved = errno;
            for (int j = 0; j < i; j++) close(sources[j]);
            errno = saved;
            return -1;
        }
        moved = i + 1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    pid_t pid = -1;
    int status = posix_spawn_file_actions_init(&actions);
    if (status == 0) {
        for (int i = 0; i < count && status == 0; i++) {
            status = posix_spawn_file_actions_adddup2(&actions, sources[i], i);
        }
        if (status == 0) status = posix_spawn_file_actions_addclosefrom_np(&actions, count);
        if (status == 0) status = posix_spawnattr_init(&attributes);
        if (status == 0) {
            sigset_t empty, all;
            sigemptyset(&empty);
            sigfillset(&all);
            status = posix_spawnattr_setsigmask(&attributes, &empty);
            if (status == 0) status = posix_spawnattr_setsigdefault(&attributes, &all);
            if (status == 0) status = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
            if (status == 0) status = posix_spawn(&pid, path, &actions, &attributes, argv, envp);
            posix_spawnattr_destroy(&attributes);
        }
        posix_spawn_file_actions_destroy(&actions);
    }
    for (int i = 0; i < moved; i++) close(sources[i]);
    if (status != 0) {
        errno = status;
        return -1;
    }
    return pid;
}

int cbastion_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int cbastion_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

int cbastion_pipe(int fds[2], int nonblocking) {
    return pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0));
}

int cbastion_child_exited(pid_t pid, int block) {
    siginfo_t info;
    info.si_pid = 0;
    int result;
    do {
        result = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT | (block ? 0 : WNOHANG));
    } while (result != 0 && errno == EINTR);
    if (result != 0) return -1;
    return info.si_pid != 0 ? 1 : 0;
}

int cbastion_reap(pid_t pid, int *code, int *signaled) {
    siginfo_t info;
    int result;
    do {
        result = waitid(P_PID, (id_t)pid, &info, WEXITED);
    } while (result != 0 && errno == EINTR);
    if (result != 0) return -1;
    *signaled = info.si_code != CLD_EXITED;
    *code = info.si_status;
    return 0;
}
