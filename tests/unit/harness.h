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
/* The planned change of @path, or NULL. */
const struct gp_change *harness_planned(const struct harness *h,
					const char *path);
/* The same, for FIXTURES_DIR/@fixture. */
struct harness *harness_fixture(const char *fixture, const char *only);
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

/* Trees built at run time, removed by tree_free(). */
char *tree_new(void);
void tree_write(const char *tree, const char *path, const char *content);
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
void tree_free(char *tree);

#endif
