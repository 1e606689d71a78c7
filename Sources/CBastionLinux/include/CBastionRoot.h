#ifndef CBASTION_ROOT_H
#define CBASTION_ROOT_H

#include <stddef.h>

/// In a private mount namespace (mounts made private first): replaces the root with a read-only
/// tmpfs holding only bind mounts of `paths` (read-only unless `writable[i]`; parents before
/// children; a path missing from the old root is skipped), the symbolic links
/// `link_paths[i] -> link_targets[i]`, and `/proc` — a procfs of its own with
/// `hidepid=invisible` where the kernel allows it (`*proc_private` = 1), else a bind of the old
/// one. The old root is detached. 0, or -1 with errno and `*failed_index` = the failed path's
/// index (links counted after paths), or -1 for a step of its own.
int cbastion_enter_minimal_root(
    const char *const *paths, const int *writable, size_t count, const char *const *link_paths,
    const char *const *link_targets, size_t link_count, int *proc_private, int *failed_index);

#endif
