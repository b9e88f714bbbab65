/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The windows_qemu_ga plugin: the QEMU-GA service of the virtio-win guest
 * tools, absent, starting or disabled, on the trees of
 * tests/unit/wintree.c.  The fixer disables the service; the test
 * applies it through the journal and undoes it byte for byte.
 */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "hive.h"
#include "util.h"
#include "wintree.h"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

#define QGA "Services\\QEMU-GA"
#define SYSTEM_HIVE "/Windows/System32/config/SYSTEM"

/* The service as the qemu-ga MSI registers it. */
static char *tree_with_agent(enum win_release release, unsigned start)
{
	char *tree = wintree_new(release);

	wintree_system_dword(tree, QGA, "Start", start);
	wintree_system_dword(tree, QGA, "Type", 0x10);
	wintree_system_string(tree, QGA, "ImagePath",
			      "\"C:\\Program Files\\Qemu-ga\\qemu-ga.exe\" -d "
			      "--retry-path");
	wintree_system_string(tree, QGA, "DisplayName", "QEMU Guest Agent");
	return tree;
}

static void expect(const char *tree, enum gp_status status)
{
	struct harness *h = harness_run(tree, "windows_qemu_ga", NULL);

	harness_expect(h, "windows_qemu_ga.installed", status);
	harness_free(h);
}

static void absent_passes(void **state)
{
	for (enum win_release r = WIN_2003_SP1; r <= WIN_2025; r++) {
		print_message("%s\n", wintree_name(r));
		expect(wintree_new(r), GP_PASS);
	}
}

static void automatic_fails(void **state)
{
	char *tree = tree_with_agent(WIN_2016, 2);
	struct harness *h = harness_run(tree, "windows_qemu_ga", NULL);

	harness_expect(h, "windows_qemu_ga.installed", GP_FAIL);
	assert_true(harness_fixable(h, "windows_qemu_ga.installed"));
	harness_expect_evidence(h, "windows_qemu_ga.installed",
				"Start = 2 (automatic)");
	harness_expect_evidence(h, "windows_qemu_ga.installed", "qemu-ga.exe");
	harness_free(h);
}

static void manual_fails(void **state)
{
	expect(tree_with_agent(WIN_2012_R2, 3), GP_FAIL);
}

static void disabled_warns(void **state)
{
	char *tree = tree_with_agent(WIN_2019, 4);
	struct harness *h = harness_plan(tree, "windows_qemu_ga", NULL);

	harness_expect(h, "windows_qemu_ga.installed", GP_WARN);
	assert_false(harness_fixable(h, "windows_qemu_ga.installed"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* Key names compare without case: "qemu-ga" is the same service. */
static void lower_case_key_counts(void **state)
{
	char *tree = wintree_new(WIN_2008_R2);

	wintree_system_dword(tree, "Services\\qemu-ga", "Start", 2);
	expect(tree, GP_FAIL);
}

/* A key without Start: nothing says it is disabled. */
static void key_without_start_fails(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);

	hive_add_key(system, WT_CCS "\\" QGA);
	expect(tree, GP_FAIL);
	free(system);
}

static void profile_severities(void **state)
{
	static const char *const set[] = {
		"windows_qemu_ga.installed=warn",
		"windows_qemu_ga.disabled=pass", NULL
	};
	struct harness *h;

	h = harness_run(tree_with_agent(WIN_2016, 2), "windows_qemu_ga", set);
	harness_expect(h, "windows_qemu_ga.installed", GP_WARN);
	harness_free(h);
	h = harness_run(tree_with_agent(WIN_2016, 4), "windows_qemu_ga", set);
	harness_expect(h, "windows_qemu_ga.installed", GP_PASS);
	harness_free(h);
}

static void fix_disables(void **state)
{
	char *tree = tree_with_agent(WIN_2012_R2, 2);
	char *before = tree_snapshot(tree);
	struct harness *h = harness_plan(tree, "windows_qemu_ga", NULL);
	const struct gp_change *c = harness_planned(h, SYSTEM_HIVE);

	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_WRITE);
	assert_int_equal(h->plan.n_changes, 1);
	harness_apply(h, harness_no_commands);
	harness_free(h);

	/* Disabled now: no longer a failure, still installed. */
	h = harness_plan(tree, "windows_qemu_ga", NULL);
	harness_expect(h, "windows_qemu_ga.installed", GP_WARN);
	harness_expect_evidence(h, "windows_qemu_ga.installed",
				"Start = 4 (disabled)");
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	tree_expect_same(tree, before, 0);
	tree_free(before);
	expect(tree, GP_FAIL);
}

static void fix_disables_2003(void **state)
{
	char *tree = tree_with_agent(WIN_2003_SP1, 3);
	char *before = tree_snapshot(tree);
	struct harness *h = harness_plan(tree, "windows_qemu_ga", NULL);

	assert_non_null(harness_planned(h, "/WINDOWS/system32/config/system"));
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect(tree, GP_WARN);
	harness_undo(tree, harness_no_commands);
	tree_expect_same(tree, before, 0);
	tree_free(before);
}

static void damaged_system_hive_is_an_error(void **state)
{
	char *tree = tree_with_agent(WIN_2016, 2);
	char *system = wintree_system(tree);
	struct harness *h;

	assert_int_equal(truncate(system, 4096 + 512), 0);
	h = harness_plan(tree, "windows_qemu_ga", NULL);
	harness_expect(h, "windows_qemu_ga.installed", GP_ERROR);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
	free(system);
}

/* A SYSTEM hive that is missing altogether. */
static void missing_system_hive_is_an_error(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);

	assert_int_equal(unlink(system), 0);
	expect(tree, GP_ERROR);
	free(system);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(absent_passes),
		TEST(automatic_fails),
		TEST(manual_fails),
		TEST(disabled_warns),
		TEST(lower_case_key_counts),
		TEST(key_without_start_fails),
		TEST(profile_severities),
		TEST(fix_disables),
		TEST(fix_disables_2003),
		TEST(damaged_system_hive_is_an_error),
		TEST(missing_system_hive_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
