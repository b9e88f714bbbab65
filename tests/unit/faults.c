/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every fixer under faults (faults.h).  The calls that can need space are
 * replaced at link time (-Wl,--wrap=NAME, FAULT_WRAPS in Makefile.am),
 * which reaches the journal's own calls without a seam in the code under
 * test; stdio and the libraries keep libc's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "faults.h"
#include "util.h"

/* Apply and undo in a child: what its exit status means besides errno. */
#define EXIT_STOPPED 99		/* journal_test_stop_after() */
#define EXIT_LOST 100		/* applied, though a call failed */

/* No plan needs this many steps; a sweep that gets there is stuck. */
#define MAX_POINTS 5000

/* ---- ENOSPC from the Nth call that can need space, and every later one --- */

static unsigned fail_from;	/* 0: no faults */
static unsigned calls;
static bool injected;
static bool in_child;		/* a child of a sweep: fsync is skipped */

static bool no_space(void)
{
	if (!fail_from || ++calls < fail_from)
		return false;
	injected = true;
	errno = ENOSPC;
	return true;
}

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...);
int __real_mkdirat(int dirfd, const char *path, mode_t mode);
int __wrap_mkdirat(int dirfd, const char *path, mode_t mode);
int __real_symlinkat(const char *target, int dirfd, const char *path);
int __wrap_symlinkat(const char *target, int dirfd, const char *path);
int __real_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags);
int __wrap_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags);
int __real_renameat(int olddirfd, const char *oldpath, int newdirfd,
		    const char *newpath);
int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd,
		    const char *newpath);
int __real_fsetxattr(int fd, const char *name, const void *value, size_t size,
		     int flags);
int __wrap_fsetxattr(int fd, const char *name, const void *value, size_t size,
		     int flags);

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	return no_space() ? -1 : __real_write(fd, buf, n);
}

/*
 * Delayed allocation: a full disk may first show at fsync.  The children
 * of a sweep end as a process crash does, after which the page cache
 * still holds every write: syncing there proves nothing and takes most
 * of the time, so they only count the call.
 */
int __wrap_fsync(int fd)
{
	if (no_space())
		return -1;
	return in_child ? 0 : __real_fsync(fd);
}

/* Only a new file needs space (an inode, a directory entry). */
int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
		if (no_space())
			return -1;
	}
	return __real_openat(dirfd, path, flags, mode);
}

int __wrap_mkdirat(int dirfd, const char *path, mode_t mode)
{
	return no_space() ? -1 : __real_mkdirat(dirfd, path, mode);
}

int __wrap_symlinkat(const char *target, int dirfd, const char *path)
{
	return no_space() ? -1 : __real_symlinkat(target, dirfd, path);
}

int __wrap_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags)
{
	return no_space() ? -1 :
	       __real_linkat(olddirfd, oldpath, newdirfd, newpath, flags);
}

/* A directory may have to grow to take the new name. */
int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd,
		    const char *newpath)
{
	return no_space() ? -1 :
	       __real_renameat(olddirfd, oldpath, newdirfd, newpath);
}

int __wrap_fsetxattr(int fd, const char *name, const void *value, size_t size,
		     int flags)
{
	return no_space() ? -1 : __real_fsetxattr(fd, name, value, size, flags);
}

/* ---- apply and undo, each in a child ------------------------------------ */

/* As `guestprep fix` does: in order, stopping at the first failure. */
static int apply_all(const char *tree, struct gp_plan *plan, journal_run_fn run)
{
	struct gp_root *root = NULL;
	struct gp_journal *j = NULL;
	int r = gp_root_new(tree, &root);

	if (r < 0)
		return r;
	gp_root_allow_writes(root);
	r = journal_begin(root, "test", &j);
	for (size_t i = 0; r == 0 && i < plan->n_changes; i++)
		r = journal_apply(j, &plan->changes[i], run);
	if (j) {
		int e = journal_end(j);

		r = r < 0 ? r : e;
	}
	gp_root_free(root);
	return r;
}

/* How many runs the journal of @tree holds. */
static size_t runs_in(const char *tree)
{
	struct gp_root *root = NULL;
	struct gp_run_info *runs = NULL;
	size_t n = 0;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(journal_history(root, &runs, &n), 0);
	run_info_free(runs, n);
	gp_root_free(root);
	return n;
}

/*
 * Undo the run the sweep started, if it got as far as making one: the
 * newest, when there are more than @n_before.  Not any older run, which
 * the test may have applied on purpose (and changed files after).  A
 * command with no undo command is reported -EOPNOTSUPP by design; the
 * tree comparison judges the rest.
 */
static int undo_since(const char *tree, size_t n_before, journal_run_fn run)
{
	struct gp_undo_result res = { 0 };
	struct gp_run_info *runs = NULL;
	struct gp_root *root = NULL;
	size_t n = 0;
	int r = gp_root_new(tree, &root);

	if (r < 0)
		return r;
	gp_root_allow_writes(root);
	r = journal_history(root, &runs, &n);
	if (r == 0 && n > n_before) {
		r = journal_undo(root, runs[n - 1].id, run, &res);
		if (r == -ENOENT)	/* it stopped before its first change */
			r = 0;
	}
	for (size_t i = 0; r == 0 && i < res.n_items; i++)
		if (res.items[i].result != 0 &&
		    res.items[i].result != -EOPNOTSUPP)
			r = res.items[i].result;
	undo_result_done(&res);
	run_info_free(runs, n);
	gp_root_free(root);
	return r;
}

static int exit_code(int r)
{
	return r < 0 ? -r : 0;
}

/* The exit status of a child; fails the test when a signal ended it. */
static int wait_child(pid_t pid)
{
	int status;

	assert_true(pid >= 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("the child was killed by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

static int apply_stopped_after(const char *tree, struct gp_plan *plan,
			       journal_run_fn run, unsigned step)
{
	pid_t pid = fork();

	if (pid == 0) {
		in_child = true;
		journal_test_stop_after(step);
		_exit(exit_code(apply_all(tree, plan, run)));
	}
	return wait_child(pid);
}

static int apply_without_space(const char *tree, struct gp_plan *plan,
			       journal_run_fn run, unsigned from)
{
	pid_t pid = fork();

	if (pid == 0) {
		int r;

		in_child = true;
		fail_from = from;
		r = apply_all(tree, plan, run);
		fail_from = 0;
		_exit(r == 0 && injected ? EXIT_LOST : exit_code(r));
	}
	return wait_child(pid);
}

/* Undo (with space again), and the tree must be @ref once more. */
static void expect_undone(const char *tree, const char *ref, size_t n_before,
			  journal_run_fn run, const char *after)
{
	pid_t pid = fork();
	int code;

	if (pid == 0) {
		in_child = true;
		_exit(exit_code(undo_since(tree, n_before, run)));
	}
	code = wait_child(pid);
	if (code != 0)
		fail_msg("undo after %s: %s", after, strerror(code));
	tree_expect_same(tree, ref, 0);
}

/* ---- the sweeps --------------------------------------------------------- */

/* One kind of fault, made to happen at point @k of an apply in a child. */
struct fault {
	const char *name;	/* "a crash after step" K */
	int (*apply)(const char *tree, struct gp_plan *plan,
		     journal_run_fn run, unsigned k);
	int code;		/* the child's exit code when it happened */
};

static const struct fault crash = {
	"a crash after step", apply_stopped_after, EXIT_STOPPED,
};
static const struct fault full = {
	"ENOSPC from call", apply_without_space, ENOSPC,
};

/*
 * The fault at each point in turn, each undone, until an apply no longer
 * reaches that point (and so completes); how many points there were.
 */
static unsigned sweep(const struct fault *f, const char *tree, const char *ref,
		      struct gp_plan *plan, journal_run_fn run)
{
	char after[64];

	for (unsigned k = 1; k < MAX_POINTS; k++) {
		size_t n_before = runs_in(tree);
		int code = f->apply(tree, plan, run, k);

		snprintf(after, sizeof(after), "%s %u", f->name, k);
		if (code == EXIT_LOST)
			fail_msg("%s on: the apply succeeded", after);
		if (code != 0 && code != f->code)
			fail_msg("%s: the apply said %s", after, strerror(code));
		expect_undone(tree, ref, n_before, run, after);
		if (code == 0)
			return k - 1;
	}
	fail_msg("%s: the apply never completed", f->name);
	return 0;
}

/* "network.dhcp, network.persistent": what the plan fixes, for the log. */
static char *checks_of(const struct gp_plan *plan)
{
	char *list = strdup("");

	for (size_t i = 0; list && i < plan->n_changes; i++) {
		const char *id = plan->changes[i].check;
		char *more;

		if (!id || strstr(list, id))
			continue;
		more = strprintf("%s%s%s", list, *list ? ", " : "", id);
		free(list);
		list = more;
	}
	assert_non_null(list);
	return list;
}

void faults_sweep(struct harness *h, journal_run_fn run)
{
	const char *tree = gp_root_path(h->root);
	char *ref, *checks;
	unsigned crashes, enospc;

	if (geteuid() != 0 || h->plan.n_changes == 0)
		return;	/* the journal keeps owners: root only */
	ref = tree_snapshot(tree);
	checks = checks_of(&h->plan);
	crashes = sweep(&crash, tree, ref, &h->plan, run);
	enospc = sweep(&full, tree, ref, &h->plan, run);
	/* Each change takes several durable steps and calls. */
	assert_true(crashes >= h->plan.n_changes);
	assert_true(enospc >= h->plan.n_changes);
	print_message("faults: %s: %zu changes, undone after each of %u "
		      "crashes and %u ENOSPC points\n", checks,
		      h->plan.n_changes, crashes, enospc);
	free(checks);
	tree_free(ref);
}
