#include "CBastionACL.h"

#include <errno.h>
#include <sys/xattr.h>

static const char *acl_name(int which) {
    return which == 1 ? "system.posix_acl_default" : "system.posix_acl_access";
}

ssize_t cbastion_acl_get_fd(int fd, int which, void *bytes, size_t size) {
    return fgetxattr(fd, acl_name(which), bytes, size);
}

ssize_t cbastion_acl_get_path(const char *path, int which, void *bytes, size_t size) {
    return lgetxattr(path, acl_name(which), bytes, size);
}

int cbastion_acl_set_fd(int fd, int which, const void *bytes, size_t size) {
    return fsetxattr(fd, acl_name(which), bytes, size, 0);
}

int cbastion_acl_remove_fd(int fd, int which) {
    if (fremovexattr(fd, acl_name(which)) == 0 || errno == ENODATA) return 0;
    return -1;
}
