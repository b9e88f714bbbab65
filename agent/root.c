/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Root-confined file access (see include/guestprep/root.h).
 *
 * Two resolvers give the same answers:
 *
 *  - openat2(RESOLVE_IN_ROOT) on Linux >= 5.6: the kernel treats the root
 *    directory as "/" for "..", absolute symlinks and relative ones;
 *  - a walk in user space for older kernels (the guests the cloud imports
 *    run 2.6.32 and later): one component at a time, directories opened
 *    with O_NOFOLLOW, symlinks read with readlinkat() and spliced into the
 *    rest of the path, ".." clamped at the root, at most GP_MAX_LINKS
 *    links per lookup, as the kernel does.
 *
 * The walk also yields the canonical path inside the root, which
 * gp_root_resolve() reports as evidence.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "guestprep/root.h"
#include "guestprep/macro.h"
#include "root-internal.h"
#include "sys.h"

#ifndef HAVE_LINUX_OPENAT2_H
struct open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif

/* openat2 has the same number on every architecture that has it. */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#ifndef O_PATH
#define O_PATH 010000000
#endif

/* The kernel's own limit on symlinks followed in one lookup. */
#define GP_MAX_LINKS 40

#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

struct gp_root {
	char *path;
	int fd;
	bool live;
	bool writable;
	bool no_openat2;
};

/* Process-wide: once the kernel says it has no openat2, stop asking. */
static bool openat2_missing;

int gp_root_new(const char *path, struct gp_root **ret)
{
	_cleanup_close_ int fd = -1;
	struct stat st, slash;
	struct gp_root *root;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;

	root = calloc(1, sizeof(*root));
	if (!root)
		return -ENOMEM;
	root->path = strdup(path);
	if (!root->path) {
		free(root);
		return -ENOMEM;
	}
	/* "Live" is the real "/", however it was spelled. */
	root->live = stat("/", &slash) == 0 && slash.st_dev == st.st_dev &&
		     slash.st_ino == st.st_ino;
	/* cppcheck-suppress unreadVariable ; closep() reads the -1 */
	root->fd = TAKE_FD(fd);
	*ret = root;
	return 0;
}

void gp_root_free(struct gp_root *root)
{
	if (!root)
		return;
	if (root->fd >= 0)
		close(root->fd);
	free(root->path);
	free(root);
}

void gp_root_allow_writes(struct gp_root *root)
{
	root->writable = true;
}

void root_force_fallback(struct gp_root *root)
{
	root->no_openat2 = true;
}

const char *gp_root_path(const struct gp_root *root)
{
	return root->path;
}

bool gp_root_is_live(const struct gp_root *root)
{
	return root->live;
}

static bool use_openat2(const struct gp_root *root)
{
	return !root->no_openat2 && !openat2_missing;
}

/*
 * openat2() beneath the root.  Returns the fd, -errno, or -ENOSYS when the
 * kernel (or a seccomp filter) lacks the call, in which case the caller
 * falls back to the walk.
 */
static int root_openat2(const struct gp_root *root, const char *path,
			int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	fd = syscall(SYS_openat2, root->fd, *path ? path : ".", &how,
		     sizeof(how));
	if (fd >= 0)
		return (int)fd;
	/* EPERM: some container seccomp profiles refuse unknown calls so. */
	if (errno == ENOSYS || errno == EPERM || errno == E2BIG) {
		openat2_missing = true;
		return -ENOSYS;
	}
	return -errno;
}

/* Where a walk ended: the directory holding the last component. */
struct walk {
	int dirfd;
	char *name;	/* the last component, "." for the root itself */
	char *canon;	/* canonical path of that directory, "" for the root */
};

static void walk_done(struct walk *w)
{
	if (w->dirfd >= 0)
		close(w->dirfd);
	free(w->name);
	free(w->canon);
	w->dirfd = -1;
	w->name = w->canon = NULL;
}

/* Replace *todo with "@head/@tail" (tail may be empty). */
static int path_splice(char **todo, const char *head, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail);
	char *s = malloc(hl + tl + 2);

	if (!s)
		return -ENOMEM;
	/* '/' and the tail with its NUL follow. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(s, head, hl);
	s[hl] = '/';
	memcpy(s + hl + 1, tail, tl + 1);
	free(*todo);
	*todo = s;
	return 0;
}

static int canon_push(char **canon, const char *name, size_t len)
{
	size_t cl = strlen(*canon);
	char *s = realloc(*canon, cl + len + 2);

	if (!s)
		return -ENOMEM;
	s[cl] = '/';
	memcpy(s + cl + 1, name, len);
	s[cl + 1 + len] = '\0';
	*canon = s;
	return 0;
}

static void canon_pop(char *canon)
{
	char *slash = strrchr(canon, '/');

	if (slash)
		*slash = '\0';
}

static int reopen_root(const struct gp_root *root, struct walk *w)
{
	int fd = openat(root->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (w->dirfd >= 0)
		close(w->dirfd);
	w->dirfd = fd;
	w->canon[0] = '\0';
	return 0;
}

/* Read the symlink @name in @dirfd (NUL-terminated, caller frees). */
static int read_link_at(int dirfd, const char *name, char **ret)
{
	size_t size = 256;

	for (;;) {
		_cleanup_free_ char *buf = malloc(size);
		ssize_t n;

		if (!buf)
			return -ENOMEM;
		n = readlinkat(dirfd, name, buf, size);
		if (n < 0)
			return -errno;
		if ((size_t)n < size) {
			buf[n] = '\0';
			*ret = TAKE_PTR(buf);
			return 0;
		}
		if (size >= 65536)
			return -ENAMETOOLONG;
		size *= 2;
	}
}

/*
 * Take one component off the front of @todo (leading slashes skipped);
 * returns its length, 0 when nothing is left.  *rest points past it.
 */
static size_t next_component(const char *todo, const char **start,
			     const char **rest)
{
	size_t len;

	todo += strspn(todo, "/");
	len = strcspn(todo, "/");
	*start = todo;
	*rest = todo + len;
	return len;
}

static bool only_slashes(const char *s)
{
	return s[strspn(s, "/")] == '\0';
}

/* Step into the directory @name (known not to be a symlink). */
static int walk_enter(struct walk *w, const char *name, size_t len)
{
	char buf[NAME_MAX + 1];
	int fd;

	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, name, len);
	buf[len] = '\0';
	fd = openat(w->dirfd, buf, O_PATH | O_DIRECTORY | O_NOFOLLOW |
				   O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -ENOTDIR : -errno;
	close(w->dirfd);
	w->dirfd = fd;
	return canon_push(&w->canon, name, len);
}

/*
 * "..": go back to the parent by walking its canonical path again from
 * the root, rather than trusting the directory's own "..", which a tree
 * changing under us could have moved outside the root.
 */
static int walk_up(const struct gp_root *root, struct walk *w)
{
	_cleanup_free_ char *parent = NULL;
	const char *p, *comp;
	size_t len;
	int r;

	if (!w->canon[0])
		return 0;	/* ".." of the root is the root */
	canon_pop(w->canon);
	parent = strdup(w->canon);
	if (!parent)
		return -ENOMEM;
	r = reopen_root(root, w);
	for (p = parent; r == 0 && (len = next_component(p, &comp, &p)) > 0;)
		r = walk_enter(w, comp, len);
	return r;
}

/*
 * Resolve @path inside the root in user space.  On success w->dirfd and
 * w->name name the last component, which is not a symlink when @follow
 * (it may not exist: the caller's openat() then says ENOENT).
 */
/* Drop the component just handled: @rest becomes the whole of @todo. */
static void walk_consume(char *todo, const char *rest)
{
	memmove(todo, rest, strlen(rest) + 1);
}

/* The symlink @name: splice its target in front of @rest. */
static int walk_follow(const struct gp_root *root, struct walk *w,
		       const char *name, char **todo, const char *rest,
		       unsigned *links)
{
	_cleanup_free_ char *target = NULL;
	int r;

	if (++*links > GP_MAX_LINKS)
		return -ELOOP;
	r = read_link_at(w->dirfd, name, &target);
	if (r < 0)
		return r;
	/* Absolute targets start again from the root, never from "/". */
	if (target[0] == '/') {
		r = reopen_root(root, w);
		if (r < 0)
			return r;
	}
	return path_splice(todo, target, rest);
}

/*
 * One component of the walk: 1 when the walk ended (w->name is set), 0
 * to go on with what is left in *todo, or -errno.
 */
static int walk_step(const struct gp_root *root, struct walk *w, char **todo,
		     bool follow, unsigned *links)
{
	_cleanup_free_ char *name = NULL;
	const char *comp, *rest;
	size_t len = next_component(*todo, &comp, &rest);
	bool last = only_slashes(rest);
	struct stat st;
	int r;

	if (len == 0) {
		w->name = strdup(".");
		return w->name ? 1 : -ENOMEM;
	}
	if (len == 1 && comp[0] == '.') {
		walk_consume(*todo, rest);
		return 0;
	}
	if (len == 2 && comp[0] == '.' && comp[1] == '.') {
		r = walk_up(root, w);
		walk_consume(*todo, rest);
		return r;
	}
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	name = strndup(comp, len);
	if (!name)
		return -ENOMEM;

	if (fstatat(w->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT || !last)
			return -errno;
		w->name = TAKE_PTR(name);	/* the caller's open says ENOENT */
		return 1;
	}
	if (S_ISLNK(st.st_mode) && (follow || !last))
		return walk_follow(root, w, name, todo, rest, links);
	if (last) {
		w->name = TAKE_PTR(name);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	r = walk_enter(w, comp, len);
	walk_consume(*todo, rest);
	return r;
}

static int root_walk(const struct gp_root *root, const char *path,
		     bool follow, struct walk *w)
{
	_cleanup_free_ char *todo = strdup(path);
	unsigned links = 0;
	int r;

	w->dirfd = -1;
	w->name = NULL;
	w->canon = strdup("");
	r = todo && w->canon ? reopen_root(root, w) : -ENOMEM;
	while (r == 0)
		r = walk_step(root, w, &todo, follow, &links);
	if (r > 0)
		return 0;
	walk_done(w);
	return r;
}

static int open_fallback(const struct gp_root *root, const char *path,
			 int flags)
{
	struct walk w;
	int r, fd;

	r = root_walk(root, path, !(flags & O_NOFOLLOW), &w);
	if (r < 0)
		return r;
	/* The last component was checked; O_NOFOLLOW closes the race. */
	/* The walk sets w.name when it returns 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	if (strcmp(w.name, ".") != 0)
		flags |= O_NOFOLLOW;
	fd = openat(w.dirfd, w.name, flags | O_CLOEXEC, 0600);
	r = fd < 0 ? -errno : fd;
	walk_done(&w);
	return r;
}

/* Open without the write guard; both resolvers give the same answer. */
static int root_open_any(const struct gp_root *root, const char *path,
			 int flags)
{
	if (use_openat2(root)) {
		int fd = root_openat2(root, path, flags);

		if (fd != -ENOSYS)
			return fd;
	}
	return open_fallback(root, path, flags);
}

int gp_root_open(const struct gp_root *root, const char *path, int flags,
		 int *ret_fd)
{
	int fd;

	if ((flags & WRITE_FLAGS) && !root->writable)
		return -EROFS;
	fd = root_open_any(root, path, flags);
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

int gp_root_stat(const struct gp_root *root, const char *path, bool follow,
		 struct stat *ret)
{
	struct walk w;
	int r;

	if (use_openat2(root)) {
		_cleanup_close_ int fd = -1;

		fd = root_openat2(root, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
		if (fd >= 0)
			return fstat(fd, ret) < 0 ? -errno : 0;
		if (fd != -ENOSYS)
			return fd;
	}
	r = root_walk(root, path, follow, &w);
	if (r < 0)
		return r;
	r = fstatat(w.dirfd, w.name, ret, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	walk_done(&w);
	return r;
}

bool gp_root_exists(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, true, &st) == 0;
}

bool gp_root_is_dir(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, true, &st) == 0 && S_ISDIR(st.st_mode);
}

bool gp_root_is_file(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, true, &st) == 0 && S_ISREG(st.st_mode);
}

static int file_type_error(mode_t mode)
{
	if (S_ISREG(mode))
		return 0;
	return S_ISDIR(mode) ? -EISDIR : -EINVAL;
}

/*
 * Open a regular file for reading.  The type is checked before opening,
 * so a FIFO never blocks us and a device is never opened, and again
 * after, in case the tree changed in between.
 */
static int open_regular(const struct gp_root *root, const char *path,
			struct stat *ret_st)
{
	_cleanup_close_ int fd = -1;
	struct stat before, after;
	int r;

	r = gp_root_stat(root, path, true, &before);
	if (r < 0)
		return r;
	r = file_type_error(before.st_mode);
	if (r < 0)
		return r;
	fd = root_open_any(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	if (fstat(fd, &after) < 0)
		return -errno;
	r = file_type_error(after.st_mode);
	if (r < 0)
		return r;
	if (after.st_dev != before.st_dev || after.st_ino != before.st_ino)
		return -ESTALE;
	*ret_st = after;
	/* cppcheck-suppress unreadVariable ; closep() reads the -1 */
	return TAKE_FD(fd);
}

int gp_root_read_file(const struct gp_root *root, const char *path,
		      size_t max_size, char **ret_data, size_t *ret_size)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t size = 0, cap;
	struct stat st;

	if (max_size == 0)
		max_size = GP_ROOT_MAX_FILE;
	fd = open_regular(root, path, &st);
	if (fd < 0)
		return fd;
	/* open_regular() fills st with an fd. */
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	if ((uint64_t)st.st_size > max_size)
		return -EFBIG;

	/* st_size may be 0 or stale (procfs): read until EOF, capped. */
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (size == cap) {
			char *p;

			if (cap > max_size)
				return -EFBIG;
			cap = cap * 2 > max_size + 1 ? max_size + 1 : cap * 2;
			p = realloc(buf, cap + 1);
			if (!p)
				return -ENOMEM;
			buf = p;
		}
		n = read(fd, buf + size, cap - size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (size > max_size)
		return -EFBIG;
	buf[size] = '\0';
	*ret_data = TAKE_PTR(buf);
	if (ret_size)
		*ret_size = size;
	return 0;
}

int gp_root_fopen(const struct gp_root *root, const char *path, FILE **ret)
{
	struct stat st;
	int fd = open_regular(root, path, &st);
	FILE *f;

	if (fd < 0)
		return fd;
	f = fdopen(fd, "r");
	if (!f) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret = f;
	return 0;
}

int gp_root_opendir(const struct gp_root *root, const char *path, DIR **ret)
{
	int fd = root_open_any(root, path, O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret = d;
	return 0;
}

int gp_root_readlink(const struct gp_root *root, const char *path,
		     char **ret_target)
{
	struct walk w;
	int r;

	r = root_walk(root, path, false, &w);
	if (r < 0)
		return r;
	r = read_link_at(w.dirfd, w.name, ret_target);
	walk_done(&w);
	return r;
}

int gp_root_resolve(const struct gp_root *root, const char *path,
		    char **ret_path)
{
	struct walk w;
	char *s;
	int r;

	r = root_walk(root, path, true, &w);
	if (r < 0)
		return r;
	if (strcmp(w.name, ".") == 0) {
		s = strdup(w.canon[0] ? w.canon : "/");
		r = s ? 0 : -ENOMEM;
	} else {
		r = canon_push(&w.canon, w.name, strlen(w.name));
		s = r < 0 ? NULL : TAKE_PTR(w.canon);
	}
	walk_done(&w);
	if (r < 0)
		return r;
	*ret_path = s;
	return 0;
}

int gp_root_statvfs(const struct gp_root *root, const char *path,
		    struct statvfs *ret)
{
	_cleanup_close_ int fd = -1;

	fd = root_open_any(root, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	return gp_sys_fstatvfs(fd, ret);
}

/*
 * Split @path into its directory part (with its trailing slash, "" for
 * the root) and its last component; trailing slashes are dropped.
 */
static int split_parent(const char *path, char **ret_dir, char **ret_name)
{
	_cleanup_free_ char *dir = NULL, *name = NULL;
	size_t end = strlen(path), start, len;

	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	len = end - start;
	if (len == 0 || (len == 1 && path[start] == '.') ||
	    (len == 2 && path[start] == '.' && path[start + 1] == '.'))
		return -EINVAL;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	dir = strndup(path, start);
	name = strndup(path + start, len);
	if (!dir || !name)
		return -ENOMEM;
	*ret_dir = TAKE_PTR(dir);
	*ret_name = TAKE_PTR(name);
	return 0;
}

int gp_root_open_parent(const struct gp_root *root, const char *path,
			int *ret_dirfd, char **ret_name)
{
	_cleanup_free_ char *dir = NULL, *name = NULL;
	int r, fd;

	if (!root->writable)
		return -EROFS;
	r = split_parent(path, &dir, &name);
	if (r < 0)
		return r;
	fd = root_open_any(root, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	*ret_dirfd = fd;
	*ret_name = TAKE_PTR(name);
	return 0;
}
