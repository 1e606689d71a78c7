#ifndef CBASTION_SPAWN_H
#define CBASTION_SPAWN_H

#include <sys/types.h>

/// Process creation for the execution layer: posix_spawn(3) with the descriptor layout and the
/// clean signal state `bastion sandbox-exec` expects, and pidfd_open(2), which glibc 2.36's
/// headers do not declare.

/// Spawns `path` (never looked up on PATH) with `argv` and `envp` (NULL-terminated). Descriptor
/// `fds[i]` becomes descriptor `i` in the child for `i < count`; every other descriptor is closed
/// (posix_spawn_file_actions_addclosefrom_np, glibc 2.34). The child starts with an empty signal
/// mask and every signal at its default disposition (the server ignores SIGPIPE and SIGHUP, and
/// ignored signals survive execve). Returns the pid, or -1 with errno set.
pid_t cbastion_spawn(const char *path, char *const argv[], char *const envp[], const int *fds, int count);

/// pidfd_open(2) (Linux 5.3): a descriptor that becomes readable when the process exits. Returns
/// -1 with errno ENOSYS on older kernels.
int cbastion_pidfd_open(pid_t pid);

/// `pidfd_send_signal(pidfd, signal, NULL, 0)` (Linux 5.1): signals the process the descriptor
/// names, never a later process that reused its pid. -1 with errno (ENOSYS on older kernels).
int cbastion_pidfd_send_signal(int pidfd, int signal);

/// pipe2(2) with O_CLOEXEC (and O_NONBLOCK on both ends when `nonblocking`), which Glibc's Swift
/// module hides behind _GNU_SOURCE.
int cbastion_pipe(int fds[2], int nonblocking);

/// Whether `pid` (a child of ours) has exited, without reaping it (waitid WEXITED|WNOWAIT, with
/// WNOHANG unless `block`). Returns 1 when it has, 0 when not yet, -1 on error.
int cbastion_child_exited(pid_t pid, int block);

/// Reaps an exited child: `*code` is its exit status when `*signaled` is 0, else the signal that
/// ended it. Returns 0, or -1 with errno set.
int cbastion_reap(pid_t pid, int *code, int *signaled);

#endif
