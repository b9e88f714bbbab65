/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The selinux plugin: /etc/selinux/config, enforcing=1 on the kernel
 * command line, and the live mode.
 *
 * Installed systems are static fixtures (tests/fixtures/selinux/...);
 * broken and hostile configurations (a FIFO, a sparse 10 MiB file, a
 * directory, binary garbage) are built at run time in temporary trees.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

#define CONFIG "etc/selinux/config"


/* A CentOS 7 tree whose /etc/selinux/config is @content (NULL: none). */
static char *centos_tree(const char *content)
{
	char *tree = tree_kept(tree_new());

	tree_write(tree, "etc/os-release",
		   "NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"7\"\n");
	if (content)
		tree_write(tree, CONFIG, content);
	return tree;
}

/* Run @only on @tree and expect @status for @id. */
static void expect_tree(const char *tree, const char *only, const char *id,
			enum gp_status status)
{
	struct harness *h = harness_run(tree, only, NULL);

	harness_expect(h, id, status);
	harness_free(h);
}

static void expect_fixture(const char *fixture, const char *only,
			   const char *id, enum gp_status status)
{
	struct harness *h = harness_fixture(fixture, only);

	harness_expect(h, id, status);
	harness_free(h);
}

/* --- selinux.config: what the next boot does ------------------------ */

/* CentOS 7 after "SELINUX=disabled": the usual cloud image setting. */
static void config_disabled_passes(void **state)
{
	expect_fixture("selinux/disabled", "selinux.config", "selinux.config",
		       GP_PASS);
}

static void config_permissive_passes(void **state)
{
	struct harness *h = harness_fixture("selinux/permissive",
					    "selinux.config");

	harness_expect(h, "selinux.config", GP_PASS);
	harness_expect_evidence(h, "selinux.config", "SELINUX=permissive");
	harness_free(h);
}

/* Debian without SELinux packages: there is no /etc/selinux at all. */
static void config_absent_passes(void **state)
{
	expect_fixture("selinux/no-config", "selinux.config", "selinux.config",
		       GP_PASS);
}

/* RHEL 8 as installed: enforcing with the targeted policy. */
static void config_enforcing_fails(void **state)
{
	struct harness *h = harness_fixture("selinux/enforcing",
					    "selinux.config");

	harness_expect(h, "selinux.config", GP_FAIL);
	harness_expect_evidence(h, "selinux.config", "SELINUX=enforcing");
	harness_free(h);
}

/* libselinux compares the mode without case: "Enforcing" enforces. */
static void config_enforcing_any_case_fails(void **state)
{
	char *tree = centos_tree("SELINUX=Enforcing\nSELINUXTYPE=targeted\n");

	expect_tree(tree, "selinux.config", "selinux.config", GP_FAIL);
}

/*
 * libselinux takes the first SELINUX= line that names a mode; a second
 * one appended by a careless script does not undo it.
 */
static void config_first_mode_counts(void **state)
{
	char *tree = centos_tree("SELINUX=enforcing\nSELINUXTYPE=targeted\n"
				 "SELINUX=disabled\n");

	expect_tree(tree, "selinux.config", "selinux.config", GP_FAIL);
}

/* A site profile may tolerate enforcing (it relabels at first boot). */
static void config_enforcing_profile_warn(void **state)
{
	static const char *const set[] = { "selinux.enforcing=warn", NULL };
	char *dir = strprintf("%s/selinux/enforcing", FIXTURES_DIR);
	struct harness *h = harness_run(dir, "selinux.config", set);

	harness_expect(h, "selinux.config", GP_WARN);
	harness_free(h);
	free(dir);
}

/* A typo the init system does not understand: the kernel decides. */
static void config_unknown_mode_warns(void **state)
{
	char *tree = centos_tree("SELINUX=enforce\nSELINUXTYPE=targeted\n");
	struct harness *h = harness_run(tree, "selinux.config", NULL);

	harness_expect(h, "selinux.config", GP_WARN);
	harness_expect_evidence(h, "selinux.config", "SELINUX=enforce");
	harness_free(h);
}

/* Only the policy type is set; the mode line was deleted. */
static void config_without_mode_warns(void **state)
{
	char *tree = centos_tree("# SELINUX=disabled\nSELINUXTYPE=targeted\n");

	expect_tree(tree, "selinux.config", "selinux.config", GP_WARN);
}

static void config_directory_warns(void **state)
{
	char *tree = centos_tree(NULL);

	tree_mkdir(tree, CONFIG);
	expect_tree(tree, "selinux.config", "selinux.config", GP_WARN);
}

/*
 * A FIFO has no writer: opening or reading it would hang the run.  The
 * alarm turns a hang into a failed test instead of a stuck `make check`.
 */
static void config_fifo_warns_without_blocking(void **state)
{
	char *tree = centos_tree(NULL);
	char *path = tree_file(tree, CONFIG);

	tree_mkdir(tree, "etc/selinux");
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(20);
	expect_tree(tree, "selinux.config", "selinux.config", GP_WARN);
	alarm(0);
	free(path);
}

/* 10 MiB of holes: no real config is that large; it is not read. */
static void config_huge_sparse_file_refused(void **state)
{
	char *tree = centos_tree("");
	char *path = tree_file(tree, CONFIG);

	assert_int_equal(truncate(path, 10 << 20), 0);
	expect_tree(tree, "selinux.config", "selinux.config", GP_WARN);
	free(path);
}

/* A binary file where the config should be (a botched copy). */
static void config_binary_garbage_warns(void **state)
{
	char *tree = centos_tree(NULL);
	char *path = tree_file(tree, CONFIG);
	unsigned char junk[4096];
	uint32_t x = 2463534242u;
	FILE *f;

	/* xorshift: bytes of every value, NULs and newlines included. */
	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	/* An ELF header's first bytes, not a string. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(junk, "\177ELF\2\1\1", 7);
	tree_mkdir(tree, "etc/selinux");
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	assert_int_equal(fclose(f), 0);
	expect_tree(tree, "selinux.config", "selinux.config", GP_WARN);
	free(path);
}

/* --- selinux.cmdline: enforcing=1 overrides the config -------------- */

/* RHEL 8's stock /etc/default/grub: no enforcing= option. */
static void cmdline_stock_rhel_passes(void **state)
{
	expect_fixture("selinux/enforcing", "selinux.cmdline",
		       "selinux.cmdline", GP_PASS);
}

/* Debian's: GRUB_CMDLINE_LINUX is empty, _DEFAULT says "quiet". */
static void cmdline_stock_debian_passes(void **state)
{
	expect_fixture("selinux/no-config", "selinux.cmdline",
		       "selinux.cmdline", GP_PASS);
}

/* permissive in the config, forced back to enforcing by the kernel. */
static void cmdline_enforcing_fails(void **state)
{
	struct harness *h = harness_fixture("selinux/cmdline-enforcing",
					    "selinux");

	harness_expect(h, "selinux.config", GP_PASS);
	harness_expect(h, "selinux.cmdline", GP_FAIL);
	harness_expect_evidence(h, "selinux.cmdline", "GRUB_CMDLINE_LINUX=");
	harness_free(h);
}

static void cmdline_enforcing_in_default_fails(void **state)
{
	char *tree = centos_tree(NULL);

	tree_write(tree, "etc/default/grub",
		   "GRUB_CMDLINE_LINUX=\"rhgb\"\n"
		   "GRUB_CMDLINE_LINUX_DEFAULT=\"enforcing=1 quiet\"\n");
	expect_tree(tree, "selinux.cmdline", "selinux.cmdline", GP_FAIL);
}

static void cmdline_enforcing_profile_warn(void **state)
{
	static const char *const set[] = { "selinux.enforcing=warn", NULL };
	char *dir = strprintf("%s/selinux/cmdline-enforcing", FIXTURES_DIR);
	struct harness *h = harness_run(dir, "selinux.cmdline", set);

	harness_expect(h, "selinux.cmdline", GP_WARN);
	harness_free(h);
	free(dir);
}

/* Options that merely contain "enforcing=1" are other options. */
static void cmdline_lookalikes_pass(void **state)
{
	static const char *const lines[] = {
		"GRUB_CMDLINE_LINUX=\"quiet enforcing=10\"\n",
		"GRUB_CMDLINE_LINUX=\"noenforcing=1 quiet\"\n",
		"GRUB_CMDLINE_LINUX=\"enforcing=0\"\n",
		"GRUB_CMDLINE_LINUX=\"\"\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		char *tree = centos_tree(NULL);

		tree_write(tree, "etc/default/grub", lines[i]);
		expect_tree(tree, "selinux.cmdline", "selinux.cmdline",
			    GP_PASS);
	}
}

/* No grub defaults (another bootloader, or none): nothing to judge. */
static void cmdline_without_grub_defaults_skips(void **state)
{
	expect_fixture("selinux/permissive", "selinux.cmdline",
		       "selinux.cmdline", GP_SKIP);
}

/* --- selinux.live: the running kernel ------------------------------- */

static void live_offline_skips(void **state)
{
	expect_fixture("selinux/enforcing", "selinux.live", "selinux.live",
		       GP_SKIP);
}

/* This machine: enforcing or not, the check must be able to tell. */
static void live_on_this_machine_judges(void **state)
{
	struct harness *h = harness_run("/", "selinux.live", NULL);
	const struct gp_finding *f = harness_find(h, "selinux.live");

	assert_non_null(f);
	assert_true(f->status == GP_PASS || f->status == GP_WARN);
	harness_free(h);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

/* --- the fixer: what it plans ------------------------------------------ */

/* The planned new content of the configuration, or NULL for no plan. */
static void expect_fix(const char *before, const char *after,
		       const char *const *set)
{
	char *tree = centos_tree(before);
	struct harness *h = harness_plan(tree, "selinux.config", set);
	const struct gp_change *c = harness_planned(h, "/" CONFIG);

	if (!after) {
		assert_int_equal(h->plan.n_changes, 0);
	} else {
		assert_non_null(c);
		assert_int_equal(c->kind, GP_CHANGE_WRITE);
		assert_string_equal(c->data, after);
		assert_string_equal(c->old_data, before);
		assert_int_equal(h->plan.n_changes, 1);
	}
	harness_free(h);
}

static void fix_sets_disabled_keeping_the_rest(void **state)
{
	expect_fix("# This file controls the state of SELinux on the system.\n"
		   "SELINUX=enforcing\n"
		   "# SELINUXTYPE= can take one of these values:\n"
		   "SELINUXTYPE=targeted\n",
		   "# This file controls the state of SELinux on the system.\n"
		   "SELINUX=disabled\n"
		   "# SELINUXTYPE= can take one of these values:\n"
		   "SELINUXTYPE=targeted\n", NULL);
}

static void fix_follows_the_profile(void **state)
{
	const char *set[] = { "selinux.fix_mode=permissive", NULL };

	expect_fix("SELINUX=enforcing\nSELINUXTYPE=targeted",
		   "SELINUX=permissive\nSELINUXTYPE=targeted", set);
}

static void fix_every_assignment_and_odd_ones(void **state)
{
	expect_fix("SELINUX=bogus\n  export SELINUX=enforcing\nSELINUXTYPE=mls\n",
		   "SELINUX=disabled\nSELINUX=disabled\nSELINUXTYPE=mls\n",
		   NULL);
	/* No SELINUX= line at all: one is added, after a final newline. */
	expect_fix("SELINUXTYPE=targeted", "SELINUXTYPE=targeted\nSELINUX=disabled\n",
		   NULL);
}

/*
 * Through the journal: the next boot is disabled, nothing is left to
 * plan; undo puts the file back byte for byte (mode and time too).
 */
static void fix_apply_recheck_undo(void **state)
{
	char *tree = centos_tree("SELINUX=enforcing\nSELINUXTYPE=targeted\n");
	char *config = tree_file(tree, CONFIG);
	struct harness *h;

	assert_int_equal(chmod(config, 0640), 0);
	h = harness_plan(tree, "selinux.config", NULL);
	harness_expect(h, "selinux.config", GP_FAIL);
	harness_round_trip(h, "selinux.config", NULL, "selinux.config",
			   harness_no_commands);
	free(config);
}

static void fix_nothing_when_fine(void **state)
{
	expect_fix("SELINUX=permissive\nSELINUXTYPE=targeted\n", NULL, NULL);
	expect_fix("SELINUX=disabled\n", NULL, NULL);
}

static void fix_refuses_an_unsafe_profile(void **state)
{
	char *tree = centos_tree("SELINUX=enforcing\n");
	const char *set[] = { "selinux.fix_mode=enforcing", NULL };
	struct harness *h = harness_run(tree, "selinux.config", set);

	h->ctx.plan = &h->plan;
	assert_int_equal(runner_plan_fixes(&h->ctx), -EINVAL);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(config_disabled_passes),
		TEST(config_permissive_passes),
		TEST(config_absent_passes),
		TEST(config_enforcing_fails),
		TEST(config_enforcing_any_case_fails),
		TEST(config_first_mode_counts),
		TEST(config_enforcing_profile_warn),
		TEST(config_unknown_mode_warns),
		TEST(config_without_mode_warns),
		TEST(config_directory_warns),
		TEST(config_fifo_warns_without_blocking),
		TEST(config_huge_sparse_file_refused),
		TEST(config_binary_garbage_warns),
		TEST(cmdline_stock_rhel_passes),
		TEST(cmdline_stock_debian_passes),
		TEST(cmdline_enforcing_fails),
		TEST(cmdline_enforcing_in_default_fails),
		TEST(cmdline_enforcing_profile_warn),
		TEST(cmdline_lookalikes_pass),
		TEST(cmdline_without_grub_defaults_skips),
		TEST(live_offline_skips),
		TEST(live_on_this_machine_judges),
		TEST(fix_sets_disabled_keeping_the_rest),
		TEST(fix_follows_the_profile),
		TEST(fix_every_assignment_and_odd_ones),
		TEST(fix_apply_recheck_undo),
		TEST(fix_nothing_when_fine),
		TEST(fix_refuses_an_unsafe_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
