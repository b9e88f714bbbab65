/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Root-confined file access.
 *
 * Every file guestprep reads is reached through a struct gp_root: "/" on
 * a live system, or the directory given with --root (a mounted guest disk
 * or a test fixture).  Paths are always interpreted inside the root:
 * "..", absolute symlinks and relative symlinks are resolved as if the
 * root were "/", so nothing is ever opened outside it.  openat2()
 * RESOLVE_IN_ROOT does this where the kernel has it; elsewhere the module
 * walks the path itself, one component at a time, with O_NOFOLLOW.
 *
 * A root is read-only unless gp_root_allow_writes() was called (fix mode
 * only): opening for writing fails with -EROFS otherwise.
 *
 * All functions return 0 or a negative errno.  Results are written to
 * the ret_* arguments only on success; returned memory belongs to the
 * caller (free(), fclose(), closedir(), close()).
 */
#ifndef GUESTPREP_ROOT_H
#define GUESTPREP_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

struct gp_root;

/* Largest file gp_root_read_file() accepts unless told otherwise. */
#define GP_ROOT_MAX_FILE (4u << 20)

int gp_root_new(const char *path, struct gp_root **ret);
void gp_root_free(struct gp_root *root);
void gp_root_allow_writes(struct gp_root *root);

/* The directory as given (for reports), and whether it is the live "/". */
const char *gp_root_path(const struct gp_root *root);
bool gp_root_is_live(const struct gp_root *root);

/*
 * Open @path inside the root.  @flags are open(2) flags; O_NOFOLLOW makes
 * a symlink in the last component fail with -ELOOP (it is still resolved
 * in the root everywhere else).  O_CLOEXEC is always added.
 */
int gp_root_open(const struct gp_root *root, const char *path, int flags,
		 int *ret_fd);

/* stat(2) inside the root; @follow=false behaves like lstat(2). */
int gp_root_stat(const struct gp_root *root, const char *path, bool follow,
		 struct stat *ret);

/* True when @path resolves to anything inside the root. */
bool gp_root_exists(const struct gp_root *root, const char *path);

/*
 * True when @path resolves (symlinks followed, inside the root) to a
 * directory, or to a regular file; false on any error.
 */
bool gp_root_is_dir(const struct gp_root *root, const char *path);
bool gp_root_is_file(const struct gp_root *root, const char *path);

/*
 * Read a whole regular file, NUL-terminated (the NUL is not counted in
 * @ret_size).  FIFOs, devices, sockets and directories are refused
 * (-EINVAL, -EISDIR) without blocking and without being read; a file
 * larger than @max_size fails with -EFBIG (0 means GP_ROOT_MAX_FILE).
 */
int gp_root_read_file(const struct gp_root *root, const char *path,
		      size_t max_size, char **ret_data, size_t *ret_size);

/* The same checks as gp_root_read_file(), as a stdio stream ("re"). */
int gp_root_fopen(const struct gp_root *root, const char *path, FILE **ret);

int gp_root_opendir(const struct gp_root *root, const char *path, DIR **ret);

/* The target of the symlink @path (the link itself is not followed). */
int gp_root_readlink(const struct gp_root *root, const char *path,
		     char **ret_target);

/*
 * The path, inside the root, that @path names once every symlink and ".."
 * is resolved ("/bin/sh" may give "/usr/bin/dash").  For evidence.
 */
int gp_root_resolve(const struct gp_root *root, const char *path,
		    char **ret_path);

/* statvfs(3) of the file system holding @path. */
int gp_root_statvfs(const struct gp_root *root, const char *path,
		    struct statvfs *ret);

/*
 * For writing (fix mode): open the directory that holds @path, resolved
 * inside the root like any other path (symlinks in the directory part
 * are followed, and stay in the root), and return its last component,
 * which is neither resolved nor checked.  The caller then works with
 * *at(@ret_dirfd, @ret_name, ...) calls that do not follow a symlink in
 * @ret_name (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW, renameat, unlinkat).
 * The directory is opened O_RDONLY, so it can be fsync()ed.  -EROFS
 * unless gp_root_allow_writes() was called; -EINVAL when @path has no
 * last component to replace ("/", "..", ".").
 */
int gp_root_open_parent(const struct gp_root *root, const char *path,
			int *ret_dirfd, char **ret_name);

#endif
