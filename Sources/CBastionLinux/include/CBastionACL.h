#ifndef CBASTION_ACL_H
#define CBASTION_ACL_H

#include <stddef.h>
#include <sys/types.h>

/// POSIX ACLs as the kernel stores them: the `system.posix_acl_access` and
/// `system.posix_acl_default` extended attributes (no libacl). Swift encodes and decodes the
/// bytes (PosixACL); these only move them. Each returns the attribute's size, 0 on success for the
/// setters, or -1 with errno (ENODATA: no such ACL; EOPNOTSUPP: the file system has no ACLs).

/// fgetxattr(2) of the access (`which` 0) or default (`which` 1) ACL of an open file (not O_PATH).
ssize_t cbastion_acl_get_fd(int fd, int which, void *bytes, size_t size);
/// lgetxattr(2): the same for a path, without following a final symbolic link.
ssize_t cbastion_acl_get_path(const char *path, int which, void *bytes, size_t size);
/// fsetxattr(2) of an ACL on an open file; the kernel updates the mode's group bits to the mask.
int cbastion_acl_set_fd(int fd, int which, const void *bytes, size_t size);
/// fremovexattr(2) of an ACL; succeeds when there is none.
int cbastion_acl_remove_fd(int fd, int which);

#endif
