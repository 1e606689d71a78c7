#define _GNU_SOURCE
#include "CBastionSandbox.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Bastion's seccomp filter, built by hand rather than with libseccomp: it is small (one comparison
 * per denied call), the system call numbers come from the headers of the architecture being
 * compiled, and the build and CI need no extra library. Layout: check the audit architecture (kill
 * on any other, so i386 `int 0x80` and x32 calls cannot dodge the numbers), then one `jeq nr; ret
 * EPERM` pair per denied call, then the calls whose arguments matter (clone's namespace flags,
 * socket's domain), then allow.
 */

#if defined(__x86_64__)
#define BASTION_AUDIT_ARCH AUDIT_ARCH_X86_64
#define BASTION_X32_BIT 0x40000000U
#elif defined(__aarch64__)
#define BASTION_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "Bastion's seccomp filter knows x86_64 and aarch64 only"
#endif

#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467 /* Linux 6.15; one number on every architecture since 5.x */
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif

/* Denied with EPERM: debugging other processes, kernel attack surface (io_uring, bpf, perf),
   replacing the kernel, changing the mount tree, the kernel keyring, leaving namespaces, and the
   calls below that the capability drop already refuses. */
static const int denied_calls[] = {
    __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
    __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
    __NR_bpf, __NR_perf_event_open, __NR_kexec_load,
#ifdef __NR_kexec_file_load
    __NR_kexec_file_load,
#endif
    __NR_mount, __NR_umount2, __NR_pivot_root, __NR_chroot,
    __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick, __NR_move_mount, __NR_open_tree,
    __NR_open_tree_attr, __NR_mount_setattr,
    __NR_keyctl, __NR_add_key, __NR_request_key,
    __NR_unshare, __NR_setns,
    /* Belt and braces behind the dropped capabilities (review 4): watching or replacing the
       system, kernel modules, reboot, swap, host names, clocks, accounting, I/O ports, handles
       that bypass paths, userfaultfd (a kernel-exploit staple), the kernel log. */
    __NR_fanotify_init, __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_reboot,
    __NR_swapon, __NR_swapoff, __NR_sethostname, __NR_setdomainname, __NR_settimeofday,
    __NR_clock_settime, __NR_clock_adjtime, __NR_adjtimex, __NR_acct, __NR_open_by_handle_at,
    __NR_name_to_handle_at, __NR_userfaultfd, __NR_syslog, __NR_quotactl, __NR_lookup_dcookie,
#ifdef __NR_iopl
    __NR_iopl, __NR_ioperm,
#endif
};

/* clone(2) flags that would create namespaces (CLONE_NEWTIME exists only for clone3/unshare). */
#define NAMESPACE_FLAGS 0x7E020000U /* NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* The low 32 bits of system call argument n. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARGUMENT_LOW(n) (offsetof(struct seccomp_data, args[0]) + 8 * (n))
#else
#define ARGUMENT_LOW(n) (offsetof(struct seccomp_data, args[0]) + 8 * (n) + 4)
#endif

#define STATEMENT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP(code, k, jt, jf))
#define RETURN(value) STATEMENT(BPF_RET | BPF_K, value)

/* Installs a filter program (seccomp(2), or prctl on kernels without it). */
static int install_filter(struct sock_filter *program, unsigned short length) {
    struct sock_fprog filter = {.len = length, .filter = program};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) == 0) return 0;
    if (errno != ENOSYS) return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter, 0, 0) == 0 ? 0 : -1;
}

int cbastion_seccomp_available(void) {
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) return 0;
    unsigned int action = SECCOMP_RET_ERRNO;
    return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0 ? 1 : 0;
}

#define SETID_BITS 06000U
#define CREATE_FLAGS 020000100U /* O_CREAT | __O_TMPFILE */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

/* How many instructions append_setid_checks adds at most. */
#define SETID_CHECK_LENGTH 72

/* Refuses making a file set-user-ID or set-group-ID: the mode of chmod, fchmod, fchmodat, creat,
   mkdir, mkdirat, and of open/openat when they create (review 8, finding 9; review 9, finding 10:
   a uid-0 child made a set-user-ID-root program on the host). fchmodat2 passes flags the filter
   need not read: ENOSYS makes libc use fchmodat. openat2 passes its mode in memory the filter
   cannot read: it is not covered. Expects the system call number loaded; ends each block with a
   return, so it falls through to what follows only for other calls. */
static void append_setid_checks(struct sock_filter *program, unsigned short *length) {
    const unsigned int eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
    unsigned short at = *length;
    program[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fchmodat2, 0, 1);
    program[at++] = RETURN(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    /* mkdir: set-user-ID only; a set-group-ID directory passes its group down and gives no
       privilege, and `cp -r` of one asks for it (review 10, finding 9). mknod makes regular files
       too (review 10, finding 8). */
    struct { int nr; int mode; unsigned bits; } modes[] = {
#ifdef __NR_chmod
        {__NR_chmod, 1, SETID_BITS}, {__NR_creat, 1, SETID_BITS}, {__NR_mkdir, 1, S_ISUID},
        {__NR_mknod, 1, SETID_BITS},
#endif
        {__NR_fchmod, 1, SETID_BITS}, {__NR_fchmodat, 2, SETID_BITS}, {__NR_mkdirat, 2, S_ISUID},
        {__NR_mknodat, 2, SETID_BITS},
    };
    for (unsigned index = 0; index < sizeof modes / sizeof modes[0]; index++) {
        program[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)modes[index].nr, 0, 4);
        program[at++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, ARGUMENT_LOW(modes[index].mode));
        program[at++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, modes[index].bits, 0, 1);
        program[at++] = RETURN(eperm);
        program[at++] = RETURN(SECCOMP_RET_ALLOW);
    }
    /* open and openat: the mode counts only with O_CREAT or O_TMPFILE in the flags. */
    struct { int nr; int flags; } opens[] = {
#ifdef __NR_open
        {__NR_open, 1},
#endif
        {__NR_openat, 2},
    };
    for (unsigned index = 0; index < sizeof opens / sizeof opens[0]; index++) {
        program[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)opens[index].nr, 0, 6);
        program[at++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, ARGUMENT_LOW(opens[index].flags));
        program[at++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, CREATE_FLAGS, 0, 3);
        program[at++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, ARGUMENT_LOW(opens[index].flags + 1));
        program[at++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, SETID_BITS, 0, 1);
        program[at++] = RETURN(eperm);
        program[at++] = RETURN(SECCOMP_RET_ALLOW);
    }
    *length = at;
}

int cbastion_seccomp_install(int restricts_network) {
    enum { denied_count = sizeof denied_calls / sizeof denied_calls[0] };
    struct sock_filter program[8 + 2 * denied_count + 16 + SETID_CHECK_LENGTH];
    unsigned short length = 0;
    const unsigned int eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);

    program[length++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, BASTION_AUDIT_ARCH, 1, 0);
    program[length++] = RETURN(SECCOMP_RET_KILL_PROCESS);
    program[length++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef BASTION_X32_BIT
    program[length++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, BASTION_X32_BIT, 0, 1);
    program[length++] = RETURN(SECCOMP_RET_KILL_PROCESS);
#endif
    for (int index = 0; index < denied_count; index++) {
        program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied_calls[index], 0, 1);
        program[length++] = RETURN(eperm);
    }
    /* clone3 passes its flags in memory the filter cannot read: ENOSYS makes libc use clone. */
    program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
    program[length++] = RETURN(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4);
    program[length++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
    program[length++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, NAMESPACE_FLAGS, 0, 1);
    program[length++] = RETURN(eperm);
    program[length++] = RETURN(SECCOMP_RET_ALLOW);
    append_setid_checks(program, &length);
    if (restricts_network) {
        program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 4);
        program[length++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
        program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1);
        program[length++] = RETURN(SECCOMP_RET_ALLOW);
        program[length++] = RETURN(eperm);
    }
    program[length++] = RETURN(SECCOMP_RET_ALLOW);

    if (install_filter(program, length) != 0) return -1;
    return denied_count + 2;
}

/* The isolation worker's own filter, stacked on the child filter above once the worker runs: it
 * needs neither sockets (it speaks over pipes), nor programs, nor processes (threads only), and
 * may not make a file set-user-ID or set-group-ID (review 8, findings 4, 8, 9). */
#define CLONE_THREAD_FLAG 0x00010000U

int cbastion_seccomp_install_worker(void) {
    static const int refused[] = {
        __NR_socket, __NR_connect, __NR_execve, __NR_execveat,
#ifdef __NR_fork
        __NR_fork, __NR_vfork,
#endif
    };
    enum { refused_count = sizeof refused / sizeof refused[0] };
    struct sock_filter program[8 + 2 * refused_count + 8 + SETID_CHECK_LENGTH];
    unsigned short length = 0;
    const unsigned int eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);

    program[length++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, BASTION_AUDIT_ARCH, 1, 0);
    program[length++] = RETURN(SECCOMP_RET_KILL_PROCESS);
    program[length++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (int index = 0; index < refused_count; index++) {
        program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)refused[index], 0, 1);
        program[length++] = RETURN(eperm);
    }
    /* clone: threads only. */
    program[length++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4);
    program[length++] = STATEMENT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
    program[length++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD_FLAG, 1, 0);
    program[length++] = RETURN(eperm);
    program[length++] = RETURN(SECCOMP_RET_ALLOW);
    append_setid_checks(program, &length);
    program[length++] = RETURN(SECCOMP_RET_ALLOW);

    if (install_filter(program, length) != 0) return -1;
    return 0;
}
