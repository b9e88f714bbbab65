/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test harness: run checks against a root tree (a fixture under
 * tests/fixtures, or one a test builds in a temporary directory) exactly
 * as the binary does, and look at the findings.  Tests assert on finding
 * ids and statuses, never on message text.
 */
#ifndef GUESTPREP_TEST_HARNESS_H
#define GUESTPREP_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "journal.h"
#include "runner.h"

struct harness {
	struct gp_root *root;
	struct gp_host host;
	struct gp_profile *profile;
	struct gp_report report;
	struct gp_ctx ctx;
	struct gp_plan plan;
	char **only;
};

/*
 * Run the checks @only selects ("selinux", "system_files.fstab"; NULL:
 * all) on the tree at @dir, with the default profile and the optional
 * NULL-terminated "key=value" overrides @set.  Fails the test on errors.
 */
struct harness *harness_run(const char *dir, const char *only,
			    const char *const *set);
/*
 * Run the checks as harness_run() does, then let the fixers plan their
 * changes into h->plan (nothing is applied).
 */
struct harness *harness_plan(const char *dir, const char *only,
			     const char *const *set);

/* How harness_run_opts() runs the checks; all zero is harness_run(). */
struct harness_opts {
	const char *const *set;	/* "key=value" overrides, or NULL */
	/*
	 * As on the running system: h->host.live is set, while the arch,
	 * kernel and boot mode are still read from the tree, not from the
	 * machine running the test.
	 */
	bool live;
	bool remove_packages;	/* fix --remove-packages */
	bool plan;		/* then plan the fixes, as harness_plan() */
	/* --disk: images the caller keeps alive during the call, or NULL */
	char *const *disks;
};
struct harness *harness_run_opts(const char *dir, const char *only,
				 const struct harness_opts *opts);
/* harness_run() as on the running system (see harness_opts.live). */
struct harness *harness_run_live(const char *dir, const char *only);
/* The planned change of @path, or NULL. */
const struct gp_change *harness_planned(const struct harness *h,
					const char *path);
/* The same, for FIXTURES_DIR/@fixture. */
struct harness *harness_fixture(const char *fixture, const char *only);
/* Whether the finding @id is fixable; fails the test when there is none. */
bool harness_fixable(const struct harness *h, const char *id);
void harness_free(struct harness *h);

/* The finding @id, or NULL. */
const struct gp_finding *harness_find(const struct harness *h, const char *id);
/* Fail the test (listing every finding) unless @id has @status. */
void harness_expect(const struct harness *h, const char *id,
		    enum gp_status status);
/* Fail the test unless no finding is @id. */
void harness_expect_none(const struct harness *h, const char *id);
/* Fail unless some evidence line of @id contains @text. */
void harness_expect_evidence(const struct harness *h, const char *id,
			     const char *text);

/*
 * Fixes through the journal, as `guestprep fix` and `guestprep undo` do
 * them.  @run is the exec seam commands go to (journal_run_fn): a fake of
 * the test's, harness_no_commands, or NULL for exec_command() itself.
 *
 * harness_apply() applies every change of h->plan in one run and fails
 * the test unless each of them succeeds (journal_apply() 0, so
 * change->result 0 too).  h->root is left writable.  In the tests of
 * fixers, which link tests/unit/faults.c, it first carries the plan out
 * under a crash and under ENOSPC at every step, undoing each (faults.h).
 */
void harness_apply(struct harness *h, journal_run_fn run);
/*
 * Undo the newest run not undone yet in @tree (through a root of its own,
 * made writable for the undo); fails the test unless journal_undo()
 * returns 0 and every item of the run was reverted (no item result other
 * than 0).
 */
void harness_undo(const char *tree, journal_run_fn run);
/*
 * The rest of a fix's life after @h, planned on its tree by
 * harness_run_opts(@only, @opts) or harness_plan(@only): apply it with
 * @run, check again (@id passes, nothing is left to plan), undo (the
 * tree is byte for byte what it was, and @id has its old status again).
 * @opts may be NULL.  Frees @h.
 */
void harness_round_trip(struct harness *h, const char *only,
			const struct harness_opts *opts, const char *id,
			journal_run_fn run);
/* A journal_run_fn for fixes that must run no command: fails the test. */
int harness_no_commands(struct gp_root *root, struct gp_change *change);

/*
 * A growing byte buffer, for archives and images a test builds in memory
 * (libarchive's write callback): starts as { 0 }, free(data) when done.
 */
struct harness_buf {
	unsigned char *data;
	size_t len, cap;
};
/* Append the @n bytes @p (fails the test when out of memory). */
void harness_buf_add(struct harness_buf *b, const void *p, size_t n);

/* Trees built at run time, removed by tree_free(). */
char *tree_new(void);
void tree_write(const char *tree, const char *path, const char *content);
/* Write the @len bytes @data (NULs and all) to @path, making parents. */
void tree_write_bytes(const char *tree, const char *path, const void *data,
		      size_t len);
/*
 * The content of the regular file @path in @tree as a string ("" when
 * empty; the caller frees).  Fails the test when it cannot be read.
 */
char *tree_read(const char *tree, const char *path);
void tree_mkdir(const char *tree, const char *path);
void tree_symlink(const char *tree, const char *path, const char *target);
/* The full path of @path in @tree (caller frees). */
char *tree_file(const char *tree, const char *path);
void tree_mkfifo(const char *tree, const char *path);
void tree_remove(const char *tree, const char *path);
/*
 * Keep @tree for tree_teardown(), which removes every kept tree after the
 * test even when an assertion ended it early (nothing is left behind, not
 * even an immutable file).  Use as cmocka_unit_test_teardown(fn,
 * tree_teardown).
 */
char *tree_kept(char *tree);
int tree_teardown(void **state);
/* Copy FIXTURES_DIR/@fixture into a new tree, to be broken by the test. */
char *tree_copy(const char *fixture);
/*
 * Copy @tree as it is now (cp -a: times kept) into a new tree, as the
 * reference for tree_expect_same() after an undo.
 */
char *tree_snapshot(const char *tree);
void tree_free(char *tree);

enum tree_same_flags {
	/*
	 * Times are not compared: for a reference built by writing the same
	 * files again (at another moment), rather than copied with cp -a
	 * (tree_copy(), tree_snapshot()), which keeps them.
	 */
	TREE_SAME_IGNORE_MTIME = 1 << 0,
};

/*
 * Fail the test unless @tree holds what the tree @reference holds, and
 * nothing more: the same entries, each of the same type and mode, regular
 * files with the same bytes and modification time (seconds; see @flags),
 * symlinks with the same target.  Entries are compared both ways, by
 * their path below the top.  What the journal leaves after an undo is not
 * counted: /var/lib/guestprep, and the /var and /var/lib it made where
 * @reference has none.  The first difference is named in the failure.
 */
void tree_expect_same(const char *tree, const char *reference, unsigned flags);
/*
 * The same against a fresh tree_copy() of @fixture (not the fixture
 * itself: copies are made writable, and the source may not be).
 */
void tree_expect_fixture(const char *tree, const char *fixture);

#endif
