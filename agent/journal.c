/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fix journal (see journal.h).
 *
 * On disk, in the root:
 *
 *   /var/lib/guestprep/runs/RUN-ID/journal    the records, append only
 *   /var/lib/guestprep/runs/RUN-ID/files/N     original content of change N
 *   /var/lib/guestprep/runs/RUN-ID/files/N.xattr  its extended attributes
 *
 * RUN-ID is the UTC start time and the process id
 * (20261121T203000Z-4242, then -4242-1... if taken), so names sort by
 * time; runs are ordered by the start time recorded inside, to the
 * nanosecond.  The directories are 0700 and the files 0600: backups may
 * hold secrets.
 *
 * The journal starts with the line "guestprep-journal 1"; then one
 * record per line: a type, then " key=value" fields, then " sum=" and
 * the FNV-1a hash of what precedes it, in hex.  Values escape every byte
 * outside '!'..'~' and the backslash as \xHH, so a path with spaces,
 * newlines or invalid UTF-8 stays one field.  A line whose sum does not
 * match (torn by a crash) is ignored.  The records:
 *
 *   run      id, started (s.ns), version, pid
 *   intent   seq, kind (write|remove|symlink|command|registry), path, via (the
 *            link a write went through), temp (the temporary name about
 *            to be used), dir + datime + dmtime (the directory the change
 *            modifies, and its times before), size (a write), mode (of
 *            a new file), target (a link); a command: flags, arg...,
 *            undo... (its argv and undo argv, one field per word),
 *            keep... (the files it replaces, kept by the keep records
 *            just before it)
 *   intent   kind=keep: seq, path, dir + datime + dmtime: a file a
 *            command is about to replace, saved like the original of a
 *            write (undo restores it, or removes it if it was absent)
 *   saved    seq, existed (0|1); when 1: type (file|link), mode (octal),
 *            uid, gid, atime, mtime (s.ns); a file: size, backup (name
 *            in files/), xattrs (name in files/, if it has any); a link:
 *            target
 *   mkdir    seq, path: a missing parent about to be created
 *   done     seq, error (errno, when it failed after changing something)
 *   failed   seq, error: it was not applied, nothing was changed
 *   end      changes: the run was complete
 *   revert   seq, temp: undo is about to use this temporary name
 *   reverted seq: undo put this change back
 *   undone   the whole run was undone
 *
 * A files/N.xattr line is an escaped attribute name, a space, and its
 * escaped value.
 *
 * The records themselves, reading runs back, undo's order and history
 * are in journal-record.c, shared with guestprep.exe (journal-win32.c),
 * which journals registry changes (kind=registry, see there); this file
 * is the POSIX side: files, directories, commands, locking.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include "guestprep/fix.h"
#include "guestprep/macro.h"
#include "exec.h"
#include "journal-internal.h"
#include "util.h"

#define FILES_DIR      "files"
#define COPY_CHUNK     (64u << 10)
#define TEMP_SUFFIX    ".guestprep-"
#define TEMP_RANDOM    6

/* ---- file helpers ------------------------------------------------------ */

static int fsync_fd(int fd)
{
	return fsync(fd) < 0 ? -errno : 0;
}

/* The last component of @path, as gp_root_open_parent() will see it. */
static char *path_base(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	for (start = end; start > 0 && path[start - 1] != '/'; start--)
		;
	return strndup(path + start, end - start);
}

/*
 * ".NAME.guestprep-XXXXXX": hidden, beside the file it replaces (so the
 * rename stays in one file system), NAME cut to fit NAME_MAX.  It is
 * recorded before it is created (O_EXCL), so undo can remove it.
 */
static char *temp_name(const char *name)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static unsigned counter;
	size_t max = NAME_MAX - 1 - strlen(TEMP_SUFFIX) - TEMP_RANDOM;
	size_t len = strlen(name);
	char rnd[TEMP_RANDOM + 1];
	struct timespec ts;
	uint64_t h;
	pid_t pid = getpid();

	clock_gettime(CLOCK_REALTIME, &ts);
	counter++;
	h = fnv1a(&ts, sizeof(ts), FNV_INIT);
	h = fnv1a(&pid, sizeof(pid), h);
	h = fnv1a(&counter, sizeof(counter), h);
	h = fnv1a(name, len, h);
	for (int i = 0; i < TEMP_RANDOM; i++) {
		rnd[i] = chars[h % (sizeof(chars) - 1)];
		h /= sizeof(chars) - 1;
	}
	rnd[TEMP_RANDOM] = '\0';
	if (len > max)
		len = max;
	return strprintf(".%.*s%s%s", (int)len, name, TEMP_SUFFIX, rnd);
}

/* Copy @src to @dst; with @check, fail unless @src holds @expect. */
static int copy_data(int src, int dst, bool check, const char *expect,
		     size_t expect_len, unsigned long long *ret_len)
{
	_cleanup_free_ char *buf = malloc(COPY_CHUNK);
	unsigned long long off = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(src, buf, COPY_CHUNK);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		if (check && (off + (size_t)n > expect_len ||
			      memcmp(expect + off, buf, (size_t)n) != 0))
			return -ESTALE;
		r = jwrite_all(dst, buf, (size_t)n);
		if (r < 0)
			return r;
		off += (size_t)n;
	}
	if (check && off != expect_len)
		return -ESTALE;
	if (ret_len)
		*ret_len = off;
	return 0;
}

static int read_fd_all(int fd, size_t max, char **ret, size_t *ret_len)
{
	struct rec r = { 0 };
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rec_done(&r);
			return -errno;
		}
		if (n == 0)
			break;
		rec_put(&r, buf, (size_t)n);
		if (r.len > max)
			r.err = -EFBIG;
		if (r.err) {
			rec_done(&r);
			return r.err;
		}
	}
	rec_put(&r, "", 0);
	if (r.err)
		return r.err;
	*ret = r.buf;
	*ret_len = r.len;
	return 0;
}

/* ---- extended attributes ----------------------------------------------- */

struct xattr {
	char *name;
	char *value;
	size_t size;
};

struct xattrs {
	struct xattr *v;
	size_t n;
};

static void xattrs_done(struct xattrs *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].name);
		free(x->v[i].value);
	}
	free(x->v);
	x->v = NULL;
	x->n = 0;
}

static int xattrs_push(struct xattrs *x, const char *name, char *value,
		       size_t size)
{
	struct xattr *v = realloc(x->v, (x->n + 1) * sizeof(*v));
	char *n = strdup(name);

	if (v)
		x->v = v;
	if (!v || !n) {
		free(n);
		free(value);
		return -ENOMEM;
	}
	x->v[x->n++] = (struct xattr){ n, value, size };
	/* cppcheck-suppress memleak ; n is owned by x->v now */
	return 0;
}

/* The names of @fd's attributes, NUL-separated; the size may change. */
static int xattr_names(int fd, char **ret, size_t *ret_len)
{
	for (;;) {
		_cleanup_free_ char *buf = NULL;
		ssize_t n = flistxattr(fd, NULL, 0);

		if (n < 0)
			return errno == ENOTSUP ? 0 : -errno;
		if (n == 0)
			return 0;
		buf = malloc((size_t)n);
		if (!buf)
			return -ENOMEM;
		n = flistxattr(fd, buf, (size_t)n);
		if (n < 0 && errno == ERANGE)
			continue;
		if (n < 0)
			return -errno;
		*ret = TAKE_PTR(buf);
		*ret_len = (size_t)n;
		return 0;
	}
}

static int xattr_value(int fd, const char *name, char **ret, size_t *ret_size)
{
	for (;;) {
		_cleanup_free_ char *buf = NULL;
		ssize_t n = fgetxattr(fd, name, NULL, 0);

		if (n < 0)
			return -errno;
		buf = malloc((size_t)n + 1);
		if (!buf)
			return -ENOMEM;
		n = fgetxattr(fd, name, buf, (size_t)n);
		if (n < 0 && errno == ERANGE)
			continue;
		if (n < 0)
			return -errno;
		*ret = TAKE_PTR(buf);
		*ret_size = (size_t)n;
		return 0;
	}
}

static int xattrs_read(int fd, struct xattrs *ret)
{
	_cleanup_free_ char *names = NULL;
	size_t len = 0;
	int r;

	ret->v = NULL;
	ret->n = 0;
	r = xattr_names(fd, &names, &len);
	for (size_t i = 0; r == 0 && i < len; i += strlen(names + i) + 1) {
		char *value = NULL;
		size_t size = 0;

		r = xattr_value(fd, names + i, &value, &size);
		if (r == -ENODATA) {
			r = 0;	/* removed meanwhile */
			continue;
		}
		if (r == 0)
			r = xattrs_push(ret, names + i, value, size);
	}
	if (r < 0)
		xattrs_done(ret);
	return r;
}

static bool xattrs_has(const struct xattrs *x, const char *name)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->v[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Make @fd carry exactly @x.  Attributes a new file got by itself (an
 * inherited ACL, a default label) are dropped as far as allowed; setting
 * one of @x failing is an error.
 */
static int xattrs_apply(int fd, const struct xattrs *x)
{
	_cleanup_free_ char *names = NULL;
	size_t len = 0;
	int r;

	r = xattr_names(fd, &names, &len);
	for (size_t i = 0; r == 0 && i < len; i += strlen(names + i) + 1)
		if (!xattrs_has(x, names + i))
			(void)fremovexattr(fd, names + i);
	if (r < 0 && x->n == 0)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (fsetxattr(fd, x->v[i].name, x->v[i].value, x->v[i].size,
			      0) < 0)
			return -errno;
	return 0;
}

/* files/NAME: one "name value" line per attribute, both escaped. */
static int xattrs_save(int dirfd, const char *name, const struct xattrs *x)
{
	_cleanup_(rec_done) struct rec r = { 0 };
	_cleanup_close_ int fd = -1;
	int ret;

	for (size_t i = 0; i < x->n; i++) {
		rec_escape(&r, x->v[i].name, strlen(x->v[i].name));
		rec_put(&r, " ", 1);
		rec_escape(&r, x->v[i].value, x->v[i].size);
		rec_put(&r, "\n", 1);
	}
	if (r.err)
		return r.err;
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				 O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = jwrite_all(fd, r.buf, r.len);
	return ret < 0 ? ret : fsync_fd(fd);
}

static int xattrs_parse_line(struct xattrs *x, char *line)
{
	char *sp = strchr(line, ' ');
	ssize_t nlen, vlen;
	char *value;

	if (!sp)
		return -EBADMSG;
	*sp = '\0';
	nlen = unescape(line);
	vlen = unescape(sp + 1);
	if (nlen <= 0 || vlen < 0 || (size_t)nlen != strlen(line))
		return -EBADMSG;
	value = malloc((size_t)vlen + 1);
	if (!value)
		return -ENOMEM;
	memcpy(value, sp + 1, (size_t)vlen + 1);
	return xattrs_push(x, line, value, (size_t)vlen);
}

static int xattrs_load(int dirfd, const char *name, struct xattrs *ret)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	char *p, *nl;
	int r = 0;

	ret->v = NULL;
	ret->n = 0;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read_fd_all(fd, JOURNAL_MAX, &data, &len);
	/* data is set when r is 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	for (p = data; r == 0 && (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		r = xattrs_parse_line(ret, p);
	}
	if (r < 0)
		xattrs_done(ret);
	return r;
}

/* ---- directories in the root ------------------------------------------- */

/* mkdir inside the root, made durable; an existing directory is fine. */
static int root_mkdir(struct gp_root *root, const char *path, mode_t mode)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int dirfd = -1;
	struct stat st;
	int r;

	r = gp_root_stat(root, path, true, &st);
	if (r == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (r != -ENOENT)
		return r;
	r = gp_root_open_parent(root, path, &dirfd, &name);
	if (r < 0)
		return r;
	if (mkdirat(dirfd, name, mode) < 0)
		return -errno;
	return fsync_fd(dirfd);
}

/*
 * Put back the times of a directory a change modified.  One whose mtime
 * is already right is left alone: it may be read-only, and its atime is
 * not ours to keep.
 */
static int root_set_dir_times(struct gp_root *root, const char *path,
			      const struct timespec times[2])
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	r = gp_root_open(root, path, O_RDONLY | O_DIRECTORY, &fd);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_mtim.tv_sec == times[1].tv_sec &&
	    st.st_mtim.tv_nsec == times[1].tv_nsec)
		return 0;
	if (futimens(fd, times) < 0)
		return -errno;
	return fsync_fd(fd);
}

/* ---- starting and ending a run ----------------------------------------- */

struct gp_journal {
	struct gp_root *root;
	char *id;
	int runs_fd;	/* locked while the run is open */
	int run_fd;
	int files_fd;
	struct jfile jf;
	unsigned seq;	/* changes started */
};

void journal_free(struct gp_journal *j)
{
	if (!j)
		return;
	if (j->jf.fd >= 0)
		close(j->jf.fd);
	if (j->files_fd >= 0)
		close(j->files_fd);
	if (j->run_fd >= 0)
		close(j->run_fd);
	if (j->runs_fd >= 0)
		close(j->runs_fd);
	free(j->id);
	free(j);
}

static void journal_freep(struct gp_journal **j)
{
	journal_free(*j);
}

const char *journal_run_id(const struct gp_journal *j)
{
	return j->id;
}

/* The runs directory, locked; -EROFS unless the root is writable. */
static int lock_runs_dir(struct gp_root *root, int *ret_fd)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int dirfd = -1, fd = -1;
	int r;

	r = gp_root_open_parent(root, JOURNAL_DIR, &dirfd, &name);
	if (r < 0)
		return r;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				 O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	/* cppcheck-suppress unreadVariable ; closep() reads the -1 */
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/*
 * Create (if needed) and lock the runs directory.  Backups may hold
 * secrets (/etc/shadow), so only root may look into it.
 */
static int open_runs_dir(struct gp_root *root, int *ret_fd)
{
	int r;

	r = root_mkdir(root, "/var", 0755);
	if (r == 0)
		r = root_mkdir(root, "/var/lib", 0755);
	if (r == 0)
		r = root_mkdir(root, "/var/lib/guestprep", 0700);
	if (r == 0)
		r = root_mkdir(root, JOURNAL_DIR, 0700);
	return r < 0 ? r : lock_runs_dir(root, ret_fd);
}

/* RUN-ID: sortable UTC time and pid; a suffix if that is taken. */
static int make_run_dir(struct gp_journal *j, const struct timespec *now)
{
	char stamp[32];
	struct tm tm;

	if (!gmtime_r(&now->tv_sec, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		return -EINVAL;
	for (unsigned i = 0; i < 1000; i++) {
		char *id = i ? strprintf("%s-%d-%u", stamp, (int)getpid(), i)
			     : strprintf("%s-%d", stamp, (int)getpid());

		if (!id)
			return -ENOMEM;
		if (mkdirat(j->runs_fd, id, 0700) == 0) {
			j->id = id;
			j->run_fd = openat(j->runs_fd, id,
					   O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					   O_CLOEXEC);
			return j->run_fd < 0 ? -errno : 0;
		}
		free(id);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static int create_run_files(struct gp_journal *j)
{
	if (mkdirat(j->run_fd, FILES_DIR, 0700) < 0)
		return -errno;
	j->files_fd = openat(j->run_fd, FILES_DIR, O_RDONLY | O_DIRECTORY |
			     O_NOFOLLOW | O_CLOEXEC);
	if (j->files_fd < 0)
		return -errno;
	j->jf.fd = openat(j->run_fd, JOURNAL_FILE, O_WRONLY | O_CREAT |
			  O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (j->jf.fd < 0)
		return -errno;
	/* The new names must survive a crash before the journal does. */
	if (fsync(j->run_fd) < 0 || fsync(j->runs_fd) < 0)
		return -errno;
	return jwrite_all(j->jf.fd, JOURNAL_HEADER, strlen(JOURNAL_HEADER));
}

int journal_begin(struct gp_root *root, const char *tool_version,
		  struct gp_journal **ret)
{
	_cleanup_(journal_freep) struct gp_journal *j = NULL;
	_cleanup_(rec_done) struct rec r = { 0 };
	struct timespec now;
	int rc;

	steps_reset();
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->root = root;
	j->runs_fd = j->run_fd = j->files_fd = j->jf.fd = -1;
	clock_gettime(CLOCK_REALTIME, &now);
	rc = open_runs_dir(root, &j->runs_fd);
	if (rc == 0)
		rc = make_run_dir(j, &now);
	if (rc == 0)
		rc = create_run_files(j);
	if (rc < 0)
		return rc;
	rec_put(&r, "run", 3);
	rec_str(&r, "id", j->id);
	rec_time(&r, "started", &now);
	rec_str(&r, "version", tool_version ? tool_version : "unknown");
	rec_printf(&r, " pid=%d", (int)getpid());
	rc = jfile_write(&j->jf, &r);
	if (rc < 0)
		return rc;
	*ret = TAKE_PTR(j);
	return 0;
}

int journal_end(struct gp_journal *j)
{
	_cleanup_(rec_done) struct rec r = { 0 };
	int ret;

	rec_printf(&r, "end changes=%u", j->seq);
	ret = jfile_write(&j->jf, &r);
	journal_free(j);
	return ret;
}

/* ---- applying a file change -------------------------------------------- */

/* A file change while it is applied. */
struct fchange {
	struct gp_journal *j;
	struct gp_change *c;
	unsigned seq;
	char *path;		/* the file changed: for a write through a
				 * link, the file the link points to */
	char *dir;		/* the existing directory the change modifies */
	struct stat dir_st;
	char **mkdirs;		/* missing parents, outermost first */
	size_t n_made;		/* how many of them were created */
	char *temp;
	bool temp_made;
	int dirfd;		/* the parent of path, once it exists */
	char *name;
	bool exists;
	struct stat st;		/* the original (lstat) */
	struct xattrs xattrs;	/* a regular original's attributes */
	bool changed;		/* the original was replaced or removed */
	bool keep;		/* only kept, for a command to replace */
};

static void fchange_done(struct fchange *f)
{
	free(f->path);
	free(f->dir);
	strv_free(f->mkdirs);
	free(f->temp);
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->name);
	xattrs_done(&f->xattrs);
}

/* Is @path still what the planner saw, as far as lstat and readlink go? */
static int check_plan(const struct gp_root *root, const struct gp_change *c)
{
	_cleanup_free_ char *target = NULL;
	struct stat st;
	int r;

	r = gp_root_stat(root, c->path, false, &st);
	if (r == -ENOENT)
		return c->existed ? -ESTALE : 0;
	if (r < 0)
		return r;
	if (!c->existed || S_ISLNK(st.st_mode) != c->was_link)
		return -ESTALE;
	if (!c->was_link)
		return 0;
	r = gp_root_readlink(root, c->path, &target);
	if (r < 0)
		return r;
	return strcmp(target, c->old_target ? c->old_target : "") ? -ESTALE : 0;
}

/* @path without its last component and trailing slashes ("" for "/x"). */
static char *dir_part(const char *path)
{
	size_t end = strlen(path);

	while (end > 0 && path[end - 1] == '/')
		end--;
	while (end > 0 && path[end - 1] != '/')
		end--;
	while (end > 0 && path[end - 1] == '/')
		end--;
	return strndup(path, end);
}

/*
 * Find which parents of f->path are missing (only a write or a link may
 * create them) and the existing directory the change will modify.
 */
static int find_parents(struct fchange *f, bool create)
{
	_cleanup_free_ char *dir = dir_part(f->path);
	size_t len;
	int r;

	if (!dir)
		return -ENOMEM;
	len = strlen(dir);
	for (size_t i = 1; i <= len; i++) {
		_cleanup_free_ char *prefix = NULL;
		struct stat st;

		if ((i < len && dir[i] != '/') || dir[i - 1] == '/')
			continue;
		prefix = strndup(dir, i);
		if (!prefix)
			return -ENOMEM;
		r = gp_root_stat(f->j->root, prefix, true, &st);
		if (r == 0 && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (r == 0 && !f->mkdirs) {
			free(f->dir);
			f->dir = TAKE_PTR(prefix);
		} else if (r == -ENOENT && create) {
			if (strv_push(&f->mkdirs, prefix) < 0)
				return -ENOMEM;
		} else if (r < 0) {
			return r;
		}
	}
	if (!f->dir && !(f->dir = strdup("/")))
		return -ENOMEM;
	return gp_root_stat(f->j->root, f->dir, true, &f->dir_st);
}

static int open_target(struct fchange *f)
{
	int r = gp_root_open_parent(f->j->root, f->path, &f->dirfd, &f->name);

	if (r < 0)
		return r;
	if (fstatat(f->dirfd, f->name, &f->st, AT_SYMLINK_NOFOLLOW) == 0) {
		f->exists = true;
		return 0;
	}
	return errno == ENOENT ? 0 : -errno;
}

/* The target against the plan, now that it is found. */
static int check_target(const struct fchange *f)
{
	const struct gp_change *c = f->c;
	bool through_link = c->kind == GP_CHANGE_WRITE && c->was_link;
	mode_t m = f->st.st_mode;

	if (!f->exists) {
		if (through_link)
			return c->old_data ? -ESTALE : 0;
		return c->existed ? -ESTALE : 0;
	}
	if (S_ISDIR(m))
		return -EISDIR;
	if (!through_link && (!c->existed || S_ISLNK(m) != c->was_link))
		return -ESTALE;
	if (through_link && S_ISLNK(m))
		return -ELOOP;	/* resolved: cannot be a link */
	if (!S_ISLNK(m) && !S_ISREG(m))
		return -EINVAL;	/* devices, FIFOs: never ours to replace */
	return 0;
}

static int fchange_prepare(struct fchange *f)
{
	struct gp_change *c = f->c;
	_cleanup_free_ char *base = NULL;
	int r;

	if (!c->path || (c->kind == GP_CHANGE_SYMLINK && !c->target))
		return -EINVAL;
	r = check_plan(f->j->root, c);
	if (r < 0)
		return r;
	if (c->kind == GP_CHANGE_WRITE && c->was_link)
		r = gp_root_resolve(f->j->root, c->path, &f->path);
	else if (!(f->path = strdup(c->path)))
		r = -ENOMEM;
	if (r == 0)
		r = find_parents(f, c->kind != GP_CHANGE_REMOVE);
	if (r == 0 && c->kind != GP_CHANGE_REMOVE) {
		base = path_base(f->path);
		f->temp = base ? temp_name(base) : NULL;
		if (!f->temp)
			r = -ENOMEM;
	}
	if (r == 0 && !f->mkdirs)
		r = open_target(f);
	return r < 0 ? r : check_target(f);
}

static int record_intent(struct fchange *f)
{
	_cleanup_(rec_done) struct rec r = { 0 };
	const struct gp_change *c = f->c;

	rec_printf(&r, "intent seq=%u kind=%s", f->seq,
		   f->keep ? "keep" : gp_change_kind_name(c->kind));
	rec_str(&r, "path", f->path);
	if (strcmp(f->path, c->path) != 0)
		rec_str(&r, "via", c->path);
	if (f->temp)
		rec_str(&r, "temp", f->temp);
	rec_str(&r, "dir", f->dir);
	rec_time(&r, "datime", &f->dir_st.st_atim);
	rec_time(&r, "dmtime", &f->dir_st.st_mtim);
	/* What undo expects to find there, unless someone changed it. */
	if (c->kind == GP_CHANGE_WRITE)
		rec_printf(&r, " size=%zu newsum=%016llx", c->len,
			   (unsigned long long)fnv1a(c->data, c->len,
						     FNV_INIT));
	if (c->kind == GP_CHANGE_WRITE && !f->exists)
		rec_printf(&r, " mode=%04o", (unsigned)(c->mode & 07777));
	if (c->kind == GP_CHANGE_SYMLINK)
		rec_str(&r, "target", c->target);
	return jfile_write(&f->j->jf, &r);
}

/*
 * Copy the original to files/SEQ (and its attributes to files/SEQ.xattr),
 * checking on the way that it holds what the planner read.
 */
static int backup_file(struct fchange *f, struct rec *rec)
{
	struct gp_journal *j = f->j;
	_cleanup_close_ int fd = -1, bfd = -1;
	char name[32], xname[40];
	unsigned long long size = 0;
	struct stat st;
	int r;

	fd = openat(f->dirfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
				       O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -ESTALE : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_dev != f->st.st_dev || st.st_ino != f->st.st_ino)
		return -ESTALE;
	snprintf(name, sizeof(name), "%u", f->seq);
	snprintf(xname, sizeof(xname), "%u.xattr", f->seq);
	bfd = openat(j->files_fd, name, O_WRONLY | O_CREAT | O_EXCL |
					O_NOFOLLOW | O_CLOEXEC, 0600);
	if (bfd < 0)
		return -errno;
	/* A kept file was not read by the planner: nothing to compare. */
	r = copy_data(fd, bfd, !f->keep, f->c->old_data, f->c->old_len, &size);
	if (r == 0)
		r = xattrs_read(fd, &f->xattrs);
	if (r == 0 && f->xattrs.n > 0)
		r = xattrs_save(j->files_fd, xname, &f->xattrs);
	if (r == 0)
		r = fsync_fd(bfd);
	if (r == 0)
		r = fsync_fd(j->files_fd);
	if (r < 0) {
		unlinkat(j->files_fd, name, 0);
		unlinkat(j->files_fd, xname, 0);
		return r;
	}
	step_done();
	rec_printf(rec, " size=%llu", size);
	rec_str(rec, "backup", name);
	if (f->xattrs.n > 0)
		rec_str(rec, "xattrs", xname);
	return 0;
}

static int save_original(struct fchange *f)
{
	_cleanup_(rec_done) struct rec r = { 0 };
	_cleanup_free_ char *target = NULL;
	const struct stat *st = &f->st;
	int ret = 0;

	rec_printf(&r, "saved seq=%u existed=%d", f->seq, f->exists);
	if (!f->exists)
		return jfile_write(&f->j->jf, &r);
	rec_printf(&r, " type=%s mode=%04o uid=%u gid=%u",
		   S_ISLNK(st->st_mode) ? "link" : "file",
		   (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
		   (unsigned)st->st_gid);
	rec_time(&r, "atime", &st->st_atim);
	rec_time(&r, "mtime", &st->st_mtim);
	if (S_ISLNK(st->st_mode)) {
		ret = gp_root_readlink(f->j->root, f->path, &target);
		if (ret == 0)
			rec_str(&r, "target", target);
	} else {
		ret = backup_file(f, &r);
	}
	return ret < 0 ? ret : jfile_write(&f->j->jf, &r);
}

static int make_parents(struct fchange *f)
{
	for (size_t i = 0; f->mkdirs && f->mkdirs[i]; i++) {
		_cleanup_(rec_done) struct rec r = { 0 };
		_cleanup_free_ char *name = NULL;
		_cleanup_close_ int dirfd = -1;
		int ret;

		rec_printf(&r, "mkdir seq=%u", f->seq);
		rec_str(&r, "path", f->mkdirs[i]);
		ret = jfile_write(&f->j->jf, &r);
		if (ret == 0)
			ret = gp_root_open_parent(f->j->root, f->mkdirs[i],
						  &dirfd, &name);
		if (ret < 0)
			return ret;
		/* name is set when ret is 0. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
		if (mkdirat(dirfd, name, 0755) < 0)
			return -errno;
		f->n_made++;
		/* Whatever the umask: what a package would have made. */
		if (fchmodat(dirfd, name, 0755, 0) < 0)
			return -errno;
		ret = fsync_fd(dirfd);
		if (ret < 0)
			return ret;
		step_done();
	}
	return f->dirfd < 0 ? open_target(f) : 0;
}

/* Has the original changed since we saved it? */
static int still_same(const struct fchange *f)
{
	struct stat now;

	if (fstatat(f->dirfd, f->name, &now, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		return f->exists ? -ESTALE : 0;
	}
	if (!f->exists || now.st_dev != f->st.st_dev ||
	    now.st_ino != f->st.st_ino || now.st_size != f->st.st_size ||
	    now.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec)
		return -ESTALE;
	return 0;
}

/* Put the temporary file in place, durably. */
static int replace_with_temp(struct fchange *f)
{
	int r = still_same(f);

	if (r < 0)
		return r;
	if (renameat(f->dirfd, f->temp, f->dirfd, f->name) < 0)
		return -errno;
	f->changed = true;
	f->temp_made = false;
	r = fsync_fd(f->dirfd);
	if (r == 0)
		step_done();
	return r;
}

/* An existing file keeps its owner, attributes and mode. */
static int set_new_meta(const struct fchange *f, int fd)
{
	uid_t uid = f->exists ? f->st.st_uid : 0;
	gid_t gid = f->exists ? f->st.st_gid : 0;
	mode_t mode = (f->exists ? f->st.st_mode : f->c->mode) & 07777;
	int r;

	/* chown first: it clears set-id bits and file capabilities. */
	if (fchown(fd, uid, gid) < 0)
		return -errno;
	if (f->exists) {
		r = xattrs_apply(fd, &f->xattrs);
		if (r < 0)
			return r;
	}
	return fchmod(fd, mode) < 0 ? -errno : 0;
}

static int perform_write(struct fchange *f)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (f->exists && !S_ISREG(f->st.st_mode))
		return -EINVAL;
	fd = openat(f->dirfd, f->temp, O_WRONLY | O_CREAT | O_EXCL |
				       O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f->temp_made = true;
	r = jwrite_all(fd, f->c->data, f->c->len);
	if (r == 0)
		r = set_new_meta(f, fd);
	if (r == 0)
		r = fsync_fd(fd);
	if (r < 0)
		return r;
	step_done();
	return replace_with_temp(f);
}

static int perform_remove(struct fchange *f)
{
	int r;

	if (!f->exists)
		return 0;
	r = still_same(f);
	if (r < 0)
		return r;
	if (unlinkat(f->dirfd, f->name, 0) < 0)
		return -errno;
	f->changed = true;
	r = fsync_fd(f->dirfd);
	if (r == 0)
		step_done();
	return r;
}

static int perform_symlink(struct fchange *f)
{
	if (symlinkat(f->c->target, f->dirfd, f->temp) < 0)
		return -errno;
	f->temp_made = true;
	return replace_with_temp(f);
}

static int perform(struct fchange *f)
{
	switch (f->c->kind) {
	case GP_CHANGE_WRITE:
		return perform_write(f);
	case GP_CHANGE_REMOVE:
		return perform_remove(f);
	case GP_CHANGE_SYMLINK:
		return perform_symlink(f);
	default:
		return -EINVAL;
	}
}

/*
 * Nothing was replaced: take back what we made, down to the directory's
 * times, and say so.  Best effort: the error that got us here is the
 * one to report.
 */
static int apply_failed(struct fchange *f, int err)
{
	struct timespec times[2] = { f->dir_st.st_atim, f->dir_st.st_mtim };

	if (f->temp_made)
		unlinkat(f->dirfd, f->temp, 0);
	for (size_t i = f->n_made; i-- > 0;) {
		_cleanup_free_ char *name = NULL;
		_cleanup_close_ int dirfd = -1;

		if (gp_root_open_parent(f->j->root, f->mkdirs[i], &dirfd,
					&name) == 0)
			unlinkat(dirfd, name, AT_REMOVEDIR);
	}
	(void)root_set_dir_times(f->j->root, f->dir, times);
	(void)jfile_seq(&f->j->jf, "failed", f->seq, err);
	return err;
}

static int apply_file(struct gp_journal *j, struct gp_change *c)
{
	_cleanup_(fchange_done) struct fchange f = {
		.j = j, .c = c, .dirfd = -1,
	};
	int r, rr;

	/* Until the intent is recorded, nothing may be written. */
	r = fchange_prepare(&f);
	if (r < 0)
		return r;
	f.seq = ++j->seq;
	r = record_intent(&f);
	if (r < 0)
		return r;
	r = save_original(&f);
	if (r == 0)
		r = make_parents(&f);
	if (r == 0)
		r = perform(&f);
	if (r < 0 && !f.changed)
		return apply_failed(&f, r);
	rr = jfile_seq(&j->jf, "done", f.seq, r);
	return r < 0 ? r : rr;
}

/* Save @path, which a command is about to replace, for undo. */
static int apply_keep(struct gp_journal *j, const char *path)
{
	struct gp_change c = { .kind = GP_CHANGE_REMOVE, .path = (char *)path };
	_cleanup_(fchange_done) struct fchange f = {
		.j = j, .c = &c, .dirfd = -1, .keep = true,
	};
	int r;

	f.path = strdup(path);
	if (!f.path)
		return -ENOMEM;
	r = find_parents(&f, false);
	if (r == 0)
		r = open_target(&f);
	if (r < 0)
		return r;
	if (f.exists && !S_ISREG(f.st.st_mode) && !S_ISLNK(f.st.st_mode))
		return -EINVAL;
	f.seq = ++j->seq;
	r = record_intent(&f);
	if (r < 0)
		return r;
	r = save_original(&f);
	if (r < 0) {
		(void)jfile_seq(&j->jf, "failed", f.seq, r);
		return r;
	}
	return jfile_seq(&j->jf, "done", f.seq, 0);
}

static int apply_command(struct gp_journal *j, struct gp_change *c,
			 journal_run_fn run)
{
	_cleanup_(rec_done) struct rec rec = { 0 };
	unsigned seq;
	int r, rr;

	if (!c->argv || !c->argv[0])
		return -EINVAL;
	for (size_t i = 0; c->replaces && c->replaces[i]; i++) {
		r = apply_keep(j, c->replaces[i]);
		if (r < 0)
			return r;
	}
	seq = ++j->seq;
	rec_printf(&rec, "intent seq=%u kind=command flags=%u", seq, c->flags);
	rec_strv(&rec, "arg", c->argv);
	rec_strv(&rec, "undo", c->undo_argv);
	rec_strv(&rec, "keep", c->replaces);
	r = jfile_write(&j->jf, &rec);
	if (r < 0)
		return r;
	r = (run ? run : exec_command)(j->root, c);
	rr = jfile_seq(&j->jf, "done", seq, r);
	return r < 0 ? r : rr;
}

int journal_apply(struct gp_journal *j, struct gp_change *change,
		  journal_run_fn run_command)
{
	int r;

	switch (change->kind) {
	case GP_CHANGE_WRITE:
	case GP_CHANGE_REMOVE:
	case GP_CHANGE_SYMLINK:
		r = apply_file(j, change);
		break;
	case GP_CHANGE_COMMAND:
		r = apply_command(j, change, run_command);
		break;
	case GP_CHANGE_REGISTRY:
		/* Live Windows only: offline, hives are whole files. */
		r = journal_apply_registry(&j->jf, &j->seq, change);
		break;
	default:
		r = -EINVAL;
	}
	change->result = r;
	return r;
}

/* ---- undo -------------------------------------------------------------- */

static void undo_close(struct undo *u)
{
	int *fds[] = { &u->run_fd, &u->files_fd, &u->jf.fd };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		int *fd = fds[i];

		if (*fd >= 0) {
			close(*fd);
			*fd = -1;
		}
	}
}


/* Remove one of our temporary files, left by an interrupted step. */
static void remove_temp(struct gp_root *root, const char *path,
			const char *temp)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int dirfd = -1;

	if (!temp || temp[0] != '.' || strchr(temp, '/') ||
	    !strstr(temp, TEMP_SUFFIX))
		return;
	if (gp_root_open_parent(root, path, &dirfd, &name) < 0)
		return;
	if (unlinkat(dirfd, temp, 0) == 0)
		fsync(dirfd);
}

static int rename_into(int dirfd, const char *temp, const char *name)
{
	int r;

	if (renameat(dirfd, temp, dirfd, name) < 0)
		return -errno;
	r = fsync_fd(dirfd);
	if (r == 0)
		step_done();
	return r;
}

/* Record the temporary name undo is about to use, then return it. */
static int undo_temp(struct undo *u, const struct jchange *c,
		     const char *name, char **ret)
{
	_cleanup_(rec_done) struct rec r = { 0 };
	_cleanup_free_ char *temp = temp_name(name);
	int rc;

	if (!temp)
		return -ENOMEM;
	rec_printf(&r, "revert seq=%u", c->seq);
	rec_str(&r, "temp", temp);
	rc = jfile_write(&u->jf, &r);
	if (rc < 0)
		return rc;
	*ret = TAKE_PTR(temp);
	return 0;
}

/* Content, owner, attributes, mode and times of the original. */
static int fill_restored(int fd, int bfd, const struct jsaved *o,
			 const struct xattrs *x)
{
	unsigned long long size = 0;
	int r;

	r = copy_data(bfd, fd, false, NULL, 0, &size);
	if (r == 0 && size != o->size)
		r = -EBADMSG;	/* the backup is damaged: keep what is there */
	if (r == 0 && fchown(fd, o->uid, o->gid) < 0)
		r = -errno;
	if (r == 0)
		r = xattrs_apply(fd, x);
	if (r == 0 && fchmod(fd, o->mode) < 0)
		r = -errno;
	if (r == 0 && futimens(fd, o->times) < 0)
		r = -errno;
	if (r == 0)
		r = fsync_fd(fd);
	if (r == 0)
		step_done();
	return r;
}

static int restore_file(struct undo *u, const struct jchange *c)
{
	_cleanup_(xattrs_done) struct xattrs x = { 0 };
	_cleanup_free_ char *name = NULL, *temp = NULL;
	_cleanup_close_ int dirfd = -1, bfd = -1, fd = -1;
	int r;

	r = gp_root_open_parent(u->root, c->path, &dirfd, &name);
	if (r < 0)
		return r;
	bfd = openat(u->files_fd, c->orig.backup, O_RDONLY | O_NOFOLLOW |
						  O_CLOEXEC);
	if (bfd < 0)
		return -errno;
	if (c->orig.xattrs) {
		r = xattrs_load(u->files_fd, c->orig.xattrs, &x);
		if (r < 0)
			return r;
	}
	r = undo_temp(u, c, name, &temp);
	if (r < 0)
		return r;
	fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				 O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = fill_restored(fd, bfd, &c->orig, &x);
	if (r == 0)
		r = rename_into(dirfd, temp, name);
	if (r < 0)
		unlinkat(dirfd, temp, 0);
	return r;
}

static int restore_link(struct undo *u, const struct jchange *c)
{
	const struct jsaved *o = &c->orig;
	_cleanup_free_ char *name = NULL, *temp = NULL;
	_cleanup_close_ int dirfd = -1;
	int r;

	r = gp_root_open_parent(u->root, c->path, &dirfd, &name);
	if (r == 0)
		r = undo_temp(u, c, name, &temp);
	if (r < 0)
		return r;
	/* undo_temp() sets temp when it returns 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	if (symlinkat(o->target, dirfd, temp) < 0)
		return -errno;
	if (fchownat(dirfd, temp, o->uid, o->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    utimensat(dirfd, temp, o->times, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	if (r == 0)
		r = rename_into(dirfd, temp, name);
	if (r < 0)
		unlinkat(dirfd, temp, 0);
	return r;
}

/*
 * Open the parent of @path into @dirfd and @name (the caller's to close
 * and free) and lstat the entry into @st: 1, or 0 when the entry or its
 * parent is absent.
 */
static int lstat_entry(struct undo *u, const char *path, int *dirfd,
		       char **name, struct stat *st)
{
	int r = gp_root_open_parent(u->root, path, dirfd, name);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (fstatat(*dirfd, *name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 1;
}

/* The path did not exist before the run: make it absent again. */
static int remove_created(struct undo *u, const struct jchange *c)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int dirfd = -1;
	struct stat st;
	int r;

	r = lstat_entry(u, c->path, &dirfd, &name, &st);
	if (r <= 0)
		return r;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (unlinkat(dirfd, name, 0) < 0)
		return -errno;
	r = fsync_fd(dirfd);
	if (r == 0)
		step_done();
	return r;
}

/* Directories the change created, innermost first; kept if not empty. */
static void remove_made_dirs(struct undo *u, const struct jchange *c)
{
	for (size_t i = strv_length(c->mkdirs); i-- > 0;) {
		_cleanup_free_ char *name = NULL;
		_cleanup_close_ int dirfd = -1;

		if (gp_root_open_parent(u->root, c->mkdirs[i], &dirfd,
					&name) < 0)
			continue;
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0)
			fsync(dirfd);
	}
}

/* Size and content sum of the regular file open at @fd. */
static int sum_fd(int fd, unsigned long long *ret_size, uint64_t *ret_sum)
{
	char buf[65536];
	unsigned long long size = 0;
	uint64_t h = FNV_INIT;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		h = fnv1a(buf, (size_t)n, h);
		size += (unsigned long long)n;
	}
	if (n < 0)
		return -errno;
	*ret_size = size;
	*ret_sum = h;
	return 0;
}

/* What is at a path now, to compare with the run's and the original. */
struct now {
	enum { NOW_ABSENT, NOW_FILE, NOW_LINK, NOW_OTHER } type;
	unsigned long long size;
	uint64_t sum;
	char target[PATH_MAX];
};

static int look_now_file(int dirfd, const char *name, struct now *now)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW |
						     O_NONBLOCK | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = sum_fd(fd, &now->size, &now->sum);
	if (r == 0)
		now->type = NOW_FILE;
	return r;
}

static int look_now(struct undo *u, const char *path, struct now *now)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int dirfd = -1;
	struct stat st;
	ssize_t n;
	int r;

	now->type = NOW_ABSENT;
	r = lstat_entry(u, path, &dirfd, &name, &st);
	if (r <= 0)
		return r;
	now->type = NOW_OTHER;
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dirfd, name, now->target,
			       sizeof(now->target) - 1);
		if (n < 0)
			return -errno;
		now->target[n] = '\0';
		now->type = NOW_LINK;
	} else if (S_ISREG(st.st_mode)) {
		return look_now_file(dirfd, name, now);
	}
	return 0;
}

/* Does @now hold what was there before the run (its saved original)? */
static int is_original(struct undo *u, const struct jchange *c,
		       const struct now *now, bool *ret)
{
	const struct jsaved *o = &c->orig;
	_cleanup_close_ int bfd = -1;
	unsigned long long size = 0;
	uint64_t sum = 0;
	int r;

	*ret = false;
	if (!o->existed || o->link) {
		*ret = o->existed ? now->type == NOW_LINK &&
					    strcmp(now->target, o->target) == 0
				  : now->type == NOW_ABSENT;
		return 0;
	}
	if (now->type != NOW_FILE || now->size != o->size)
		return 0;
	bfd = openat(u->files_fd, o->backup, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (bfd < 0)
		return -errno;
	r = sum_fd(bfd, &size, &sum);
	*ret = r == 0 && size == now->size && sum == now->sum;
	return r;
}

/*
 * Whether someone changed @c's path since the run changed it: it holds
 * neither what the run left there nor the original.  Only for changes
 * whose result the journal knows (not those of a command, whose files
 * the run keeps, nor writes journaled by older versions).
 */
static int changed_since(struct undo *u, const struct jchange *c, bool *ret)
{
	struct now now = { 0 };
	bool ours, before;
	int r;

	*ret = false;
	if (c->kind == GP_CHANGE_WRITE && !c->has_new_sum)
		return 0;
	if (c->kind == GP_CHANGE_SYMLINK && !c->new_target)
		return 0;
	r = look_now(u, c->path, &now);
	if (r < 0)
		return r;
	switch (c->kind) {
	case GP_CHANGE_WRITE:
		ours = now.type == NOW_FILE && now.size == c->new_size &&
		       now.sum == c->new_sum;
		break;
	case GP_CHANGE_SYMLINK:
		ours = now.type == NOW_LINK &&
		       strcmp(now.target, c->new_target) == 0;
		break;
	default:
		ours = now.type == NOW_ABSENT;
		break;
	}
	if (ours)
		return 0;
	r = is_original(u, c, &now, &before);
	*ret = r == 0 && !before;
	return r;
}

int journal_revert_path(struct undo *u, const struct jchange *c, char **what)
{
	bool applied = c->saved && !c->failed, stale = false;
	const char *verb = "restored";
	int r = 0, rr;

	if (applied && !undo_forced()) {
		r = changed_since(u, c, &stale);
		if (r < 0)
			return r;
	}
	if (stale) {
		/* Theirs now, not ours: as for a registry value. */
		*what = strprintf("left alone %s: changed since the fix run "
				  "(undo --force puts it back anyway)",
				  c->path);
		return *what ? -ESTALE : -ENOMEM;
	}
	remove_temp(u->root, c->path, c->temp);
	for (size_t i = 0; c->revert_temps && c->revert_temps[i]; i++)
		remove_temp(u->root, c->path, c->revert_temps[i]);
	if (applied && !c->orig.existed) {
		verb = "removed";
		r = remove_created(u, c);
	} else if (applied && c->orig.link) {
		r = restore_link(u, c);
	} else if (applied) {
		r = restore_file(u, c);
	}
	if (r == 0) {
		remove_made_dirs(u, c);
		rr = c->has_dir_times ? root_set_dir_times(u->root, c->dir,
							   c->dir_times) : 0;
		/* Not applied: nothing of the directory to answer for. */
		if (applied)
			r = rr;
	}
	if (applied && !(*what = strprintf("%s %s", verb, c->path)))
		return -ENOMEM;
	return r;
}

int journal_revert_command(struct undo *u, const struct jchange *c,
			   char **what)
{
	_cleanup_free_ char *cmd = strv_join(c->argv, " ");
	struct gp_change undo = {
		.kind = GP_CHANGE_COMMAND,
		.argv = c->undo_argv,
		.flags = c->flags,
	};
	int r;

	if (!cmd)
		return -ENOMEM;
	/* Its files are put back by their own records, just after. */
	if (!c->undo_argv && c->keeps) {
		*what = strprintf("reverted: %s (the files it replaced are "
				  "restored)", cmd);
		return *what ? 0 : -ENOMEM;
	}
	if (!c->undo_argv) {
		*what = strprintf("not revertible: %s", cmd);
		return *what ? -EOPNOTSUPP : -ENOMEM;
	}
	r = u->run(u->root, &undo);
	free(undo.output);
	*what = strprintf("reverted: %s", cmd);
	return *what ? r : -ENOMEM;
}


static int undo_open(struct undo *u, int runs_fd, const struct jrun *run)
{
	u->run_fd = openat(runs_fd, run->id, O_RDONLY | O_DIRECTORY |
			   O_NOFOLLOW | O_CLOEXEC);
	if (u->run_fd < 0)
		return -errno;
	u->files_fd = openat(u->run_fd, FILES_DIR, O_RDONLY | O_DIRECTORY |
			     O_NOFOLLOW | O_CLOEXEC);
	if (u->files_fd < 0)
		return -errno;
	u->jf.fd = openat(u->run_fd, JOURNAL_FILE, O_WRONLY | O_APPEND |
			  O_NOFOLLOW | O_CLOEXEC);
	if (u->jf.fd < 0)
		return -errno;
	/* A crash may have cut the last record: never continue that line. */
	u->jf.torn = !run->ends_in_newline;
	return 0;
}

static int undo_locked(struct undo *u, int runs_fd, const char *run_id)
{
	struct jrun *runs = NULL, *run = NULL;
	size_t n = 0;
	int r;

	r = jruns_load(u->root, &runs, &n);
	if (r == 0)
		r = pick_run(u->root, runs, n, run_id, &run);
	if (run && !(u->res->run_id = strdup(run->id)))
		r = -ENOMEM;
	if (r == 0 && run && run->undone)
		u->res->already_undone = true;
	else if (r == 0 && run)
		r = undo_open(u, runs_fd, run);
	if (r == 0 && run && !run->undone)
		r = undo_changes(u, run);
	undo_close(u);
	jruns_free(runs, n);
	return r;
}

int journal_undo(struct gp_root *root, const char *run_id,
		 journal_run_fn run_command, struct gp_undo_result *ret)
{
	_cleanup_close_ int runs_fd = -1;
	struct undo u = {
		.root = root,
		.run = run_command ? run_command : exec_command,
		.run_fd = -1,
		.files_fd = -1,
		.jf = { .fd = -1 },
		.res = ret,
	};
	int r;

	memset(ret, 0, sizeof(*ret));
	steps_reset();
	if (run_id && !run_id_ok(run_id))
		return -ENOENT;
	r = lock_runs_dir(root, &runs_fd);
	if (r < 0)
		return r;	/* -ENOENT: no run ever */
	return undo_locked(&u, runs_fd, run_id);
}

