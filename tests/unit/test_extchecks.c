/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site checks (agent/extchecks.c): executables in a checks directory,
 * written at run time into a tree, run for real (no shell between us and
 * them, a timeout, a clean environment) and merged into the report.
 * Each way a check can be broken must give an "error" finding naming it,
 * and each way an entry is untrusted a "site.ignored" warning, while the
 * run goes on.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extchecks.h"
#include "harness.h"
#include "report.h"
#include "util.h"

#define CHECKS "etc/guestprep/checks.d"

static char *site_tree(void)
{
	char *tree = tree_kept(tree_new());

	tree_write(tree, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
	tree_mkdir(tree, CHECKS);
	return tree;
}

/* Write the check @name with @body and @mode. */
static void add_check(const char *tree, const char *name, const char *body,
		      mode_t mode)
{
	_cleanup_free_ char *rel = strprintf(CHECKS "/%s", name);
	_cleanup_free_ char *full = tree_file(tree, rel);

	tree_write(tree, rel, body);
	assert_int_equal(chmod(full, mode), 0);
}

/* The site checks of @tree's checks.d, as --checks-dir runs them. */
static struct harness *run_site(const char *tree, unsigned timeout_sec,
				char **only)
{
	struct harness *h = harness_run(tree, "os", NULL);
	_cleanup_free_ char *dir = tree_file(tree, CHECKS);

	h->ctx.only = only;
	h->ctx.checks_dir = dir;
	h->ctx.checks_timeout_sec = timeout_sec;
	assert_int_equal(extchecks_run(&h->ctx), 0);
	h->ctx.checks_dir = NULL;
	return h;
}

static struct harness *run_one(const char *name, const char *body)
{
	char *tree = site_tree();

	add_check(tree, name, body, 0755);
	return run_site(tree, 2, NULL);
}

static void valid_findings_merged(void **state)
{
	char *tree = site_tree();
	struct harness *h;

	(void)state;
	add_check(tree, "ntp",
		  "#!/bin/sh\n"
		  "printf '{\"findings\": [\\n'\n"
		  "printf '{\"id\": \"sync\", \"status\": \"pass\", "
		  "\"message\": \"in sync\", \"evidence\": [\"%s\"]},\\n' "
		  "\"$GUESTPREP_ROOT\"\n"
		  "printf '{\"id\": \"site.ntp.server\", \"status\": \"fail\", "
		  "\"message\": \"no server\", \"remediation\": \"add one\", "
		  "\"evidence\": []}\\n'\n"
		  "echo ']}'\n", 0755);
	/* A clean environment: what guestprep was started with stays out. */
	setenv("GP_EXTCHECKS_SECRET", "1", 1);
	add_check(tree, "env",
		  "#!/bin/sh\n"
		  "s=pass; [ -n \"$GP_EXTCHECKS_SECRET\" ] && s=fail\n"
		  "[ \"$PWD\" = / ] || s=fail\n"
		  "echo \"{\\\"findings\\\": [{\\\"status\\\": \\\"$s\\\", "
		  "\\\"message\\\": \\\"clean\\\"}]}\"\n", 0700);
	/* Exit codes do not matter when the report is valid. */
	add_check(tree, "exit3",
		  "#!/bin/sh\n"
		  "echo '{\"findings\": [{\"status\": \"warn\", "
		  "\"message\": \"\\u00e9t\\u00e9 \\ud83d\\ude00 \\u0001\"}]}'\n"
		  "exit 3\n", 0755);
	add_check(tree, "quiet", "#!/bin/sh\necho '{\"findings\": []}'\n", 0755);
	h = run_site(tree, 5, NULL);
	harness_expect(h, "site.ntp.sync", GP_PASS);
	harness_expect_evidence(h, "site.ntp.sync", tree);
	harness_expect(h, "site.ntp.server", GP_FAIL);
	harness_expect(h, "site.env", GP_PASS);
	harness_expect(h, "site.exit3", GP_WARN);
	harness_expect_none(h, "site.quiet");
	harness_expect_none(h, "site.ignored");
	assert_false(harness_find(h, "site.ntp.server")->fixable);
	unsetenv("GP_EXTCHECKS_SECRET");
	harness_free(h);
}

static void only_selects_site_findings(void **state)
{
	char *tree = site_tree();
	char *only[] = { "site.a", NULL };
	struct harness *h;

	(void)state;
	add_check(tree, "a", "#!/bin/sh\necho '{\"findings\": "
			     "[{\"status\": \"pass\", \"message\": \"a\"}]}'\n",
		  0755);
	add_check(tree, "b", "#!/bin/sh\necho '{\"findings\": "
			     "[{\"status\": \"fail\", \"message\": \"b\"}]}'\n",
		  0755);
	h = run_site(tree, 5, only);
	harness_expect(h, "site.a", GP_PASS);
	harness_expect_none(h, "site.b");
	harness_free(h);
}

static void patterns_know_site(void **state)
{
	char *ok[] = { "site", "site.anything.below", "os", NULL };
	char *bad[] = { "sites", NULL };

	(void)state;
	assert_null(runner_unknown_pattern(ok));
	assert_string_equal(runner_unknown_pattern(bad), "sites");
}

static void expect_broken(const char *name, const char *body)
{
	struct harness *h = run_one(name, body);
	_cleanup_free_ char *id = strprintf("site.%s", name);

	harness_expect(h, id, GP_ERROR);
	harness_expect_evidence(h, id, name);
	harness_free(h);
}

static void bad_json_is_an_error(void **state)
{
	(void)state;
	expect_broken("truncated", "#!/bin/sh\necho '{\"findings\": ['\n");
	expect_broken("garbage", "#!/bin/sh\necho 'OK - all fine'\n");
	expect_broken("trailing", "#!/bin/sh\necho '{\"findings\": []} x'\n");
	expect_broken("empty", "#!/bin/sh\nexit 0\n");
	expect_broken("notobject", "#!/bin/sh\necho '[1, 2]'\n");
	expect_broken("deep", "#!/bin/sh\necho '{\"findings\": [[[[[[[[[[]]]]]]]]]]}'\n");
	expect_broken("rawctl", "#!/bin/sh\nprintf '{\"findings\": [{\"status\": "
				"\"pass\", \"message\": \"a\\tb\"}]}'\n");
	expect_broken("nul", "#!/bin/sh\necho '{\"findings\": [{\"status\": "
			     "\"pass\", \"message\": \"a\\u0000b\"}]}'\n");
}

static void bad_findings_are_an_error(void **state)
{
	(void)state;
	expect_broken("status", "#!/bin/sh\necho '{\"findings\": [{\"status\": "
				"\"ok\", \"message\": \"x\"}]}'\n");
	expect_broken("nomsg", "#!/bin/sh\necho '{\"findings\": [{\"status\": "
			       "\"pass\"}]}'\n");
	expect_broken("badid", "#!/bin/sh\necho '{\"findings\": [{\"id\": "
			       "\"../x\", \"status\": \"pass\", \"message\": "
			       "\"x\"}]}'\n");
	expect_broken("otherid", "#!/bin/sh\necho '{\"findings\": [{\"id\": "
				 "\"site.other.x\", \"status\": \"pass\", "
				 "\"message\": \"x\"}]}'\n");
	expect_broken("evidence", "#!/bin/sh\necho '{\"findings\": [{\"status\":"
				  " \"pass\", \"message\": \"x\", \"evidence\":"
				  " [1]}]}'\n");
	expect_broken("many", "#!/bin/sh\nprintf '{\"findings\": ['\n"
			      "i=0; while [ $i -lt 100 ]; do printf "
			      "'{\"id\": \"n%d\", \"status\": \"pass\", "
			      "\"message\": \"x\"},' $i; i=$((i+1)); done\n"
			      "echo '{\"status\": \"pass\", \"message\": "
			      "\"x\"}]}'\n");
}

static void timeout_is_an_error(void **state)
{
	char *tree = site_tree();
	struct timespec a, b;
	struct harness *h;

	(void)state;
	/* The child started in the background is killed with it. */
	add_check(tree, "slow", "#!/bin/sh\nsleep 30 &\nsleep 30\n", 0755);
	clock_gettime(CLOCK_MONOTONIC, &a);
	h = run_site(tree, 1, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	harness_expect(h, "site.slow", GP_ERROR);
	assert_true(b.tv_sec - a.tv_sec < 10);
	harness_free(h);
}

static void crash_is_an_error(void **state)
{
	(void)state;
	expect_broken("crash", "#!/bin/sh\necho '{\"findings\": []}'\n"
			       "kill -SEGV $$\n");
}

static void failure_without_report_is_an_error(void **state)
{
	(void)state;
	expect_broken("failed", "#!/bin/sh\necho 'CRITICAL: oops'\nexit 2\n");
	/* No "#!": execve() refuses it, and there is no shell to fall to. */
	expect_broken("noshebang", "echo '{\"findings\": []}'\n");
}

static void huge_output_is_an_error(void **state)
{
	(void)state;
	expect_broken("huge", "#!/bin/sh\nprintf '{\"findings\": [{\"status\": "
			      "\"pass\", \"message\": \"'\n"
			      "head -c 1000000 /dev/zero | tr '\\0' a\n"
			      "echo '\"}]}'\n");
}

/* The entry @name of a tree holding only it is skipped with a warning. */
static void expect_ignored(const char *tree, const char *name)
{
	struct harness *h = run_site(tree, 5, NULL);
	_cleanup_free_ char *id = strprintf("site.%s", name);

	harness_expect(h, "site.ignored", GP_WARN);
	harness_expect_evidence(h, "site.ignored", name);
	harness_expect_none(h, id);
	harness_free(h);
}

static const char good_body[] =
	"#!/bin/sh\necho '{\"findings\": [{\"status\": \"pass\", "
	"\"message\": \"x\"}]}'\n";

static void untrusted_entries_are_skipped(void **state)
{
	char *tree;
	struct harness *h;

	(void)state;
	tree = site_tree();
	add_check(tree, "noexec", good_body, 0644);
	expect_ignored(tree, "noexec");

	tree = site_tree();
	add_check(tree, "worldw", good_body, 0757);
	expect_ignored(tree, "worldw");

	tree = site_tree();
	add_check(tree, "groupw", good_body, 0775);
	expect_ignored(tree, "groupw");

	tree = site_tree();
	add_check(tree, "backup~", good_body, 0755);
	add_check(tree, "old.dpkg-old", good_body, 0755);
	add_check(tree, ".hidden", good_body, 0755);
	add_check(tree, "fine", good_body, 0755);
	h = run_site(tree, 5, NULL);
	harness_expect(h, "site.fine", GP_PASS);
	harness_expect_evidence(h, "site.ignored", "backup~");
	harness_expect_evidence(h, "site.ignored", "old.dpkg-old");
	harness_free(h);

	tree = site_tree();
	tree_mkdir(tree, CHECKS "/subdir");
	expect_ignored(tree, "subdir");
}

static void writable_directory_runs_nothing(void **state)
{
	char *tree = site_tree();
	_cleanup_free_ char *dir = tree_file(tree, CHECKS);
	struct harness *h;

	(void)state;
	add_check(tree, "fine", good_body, 0755);
	assert_int_equal(chmod(dir, 0777), 0);
	h = run_site(tree, 5, NULL);
	harness_expect(h, "site.ignored", GP_WARN);
	harness_expect_none(h, "site.fine");
	harness_free(h);
}

/* Symlinks are resolved inside the checks directory, never out of it. */
static void symlink_out_of_the_root_is_skipped(void **state)
{
	char *tree = site_tree();
	struct harness *h;

	(void)state;
	/* /bin/true exists on the host, not in the checks directory. */
	tree_symlink(tree, CHECKS "/abs", "/bin/true");
	tree_symlink(tree, CHECKS "/rel", "../../../../../../../../bin/true");
	add_check(tree, "real", good_body, 0755);
	tree_symlink(tree, CHECKS "/alias", "real");
	h = run_site(tree, 5, NULL);
	harness_expect_evidence(h, "site.ignored", "abs");
	harness_expect_evidence(h, "site.ignored", "rel");
	harness_expect_none(h, "site.abs");
	harness_expect_none(h, "site.rel");
	harness_expect(h, "site.real", GP_PASS);
	harness_expect(h, "site.alias", GP_PASS);
	harness_free(h);
}

static void broken_check_leaves_others_running(void **state)
{
	char *tree = site_tree();
	struct harness *h;

	(void)state;
	add_check(tree, "a_crash", "#!/bin/sh\nkill -SEGV $$\n", 0755);
	add_check(tree, "b_good", good_body, 0755);
	h = run_site(tree, 5, NULL);
	harness_expect(h, "site.a_crash", GP_ERROR);
	harness_expect(h, "site.b_good", GP_PASS);
	harness_free(h);
}

/* An offline tree's own checks.d is the image's: nothing of it runs. */
static void offline_tree_runs_nothing(void **state)
{
	char *tree = site_tree();
	_cleanup_free_ char *marker = tree_file(tree, "ran");
	_cleanup_free_ char *body =
		strprintf("#!/bin/sh\ntouch %s\n%s", marker, good_body + 10);
	struct harness *h;

	(void)state;
	add_check(tree, "image", body, 0755);
	h = harness_run(tree, "site", NULL);
	harness_expect(h, "site.offline", GP_SKIP);
	harness_expect_none(h, "site.image");
	assert_int_equal(access(marker, F_OK), -1);
	harness_free(h);

	/* No checks.d: nothing at all to say. */
	tree = tree_kept(tree_new());
	tree_write(tree, "etc/os-release", "ID=debian\n");
	h = harness_run(tree, "site", NULL);
	harness_expect_none(h, "site.offline");
	harness_free(h);
}

/* What `guestprep list` prints of the site checks of @root and @dir. */
static char *list_site(const char *root_dir, const char *checks_dir)
{
	struct gp_root *root = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(gp_root_new(root_dir, &root), 0);
	assert_int_equal(extchecks_list(f, root, checks_dir), 0);
	assert_int_equal(fclose(f), 0);
	gp_root_free(root);
	return text;
}

/* The number of lines of @text that start with "  @id " and hold @what. */
static size_t lines_with(const char *text, const char *id, const char *what)
{
	_cleanup_free_ char *head = strprintf("  %s ", id);
	size_t n = 0;

	for (const char *l = text; l && *l;) {
		const char *end = strchr(l, '\n');
		_cleanup_free_ char *line = strndup(l, end ? (size_t)(end - l)
							    : strlen(l));

		if (startswith(line, head) && strstr(line, what))
			n++;
		l = end ? end + 1 : NULL;
	}
	return n;
}

/*
 * list names what check would run and, under site.ignored, what it would
 * refuse (the same entries as the warning's evidence), and runs nothing.
 */
static void list_matches_the_run(void **state)
{
	char *tree = site_tree();
	_cleanup_free_ char *dir = tree_file(tree, CHECKS);
	_cleanup_free_ char *marker = tree_file(tree, "ran");
	_cleanup_free_ char *body =
		strprintf("#!/bin/sh\ntouch %s\n%s", marker, good_body + 10);
	_cleanup_free_ char *other = NULL, *text = NULL, *ok = NULL;
	const struct gp_finding *f;
	struct harness *h;

	(void)state;
	add_check(tree, "ok", body, 0755);
	add_check(tree, "backup~", body, 0755);
	add_check(tree, "noexec", body, 0644);
	add_check(tree, "worldw", body, 0757);
	add_check(tree, "other", body, 0755);
	tree_symlink(tree, CHECKS "/out", "/bin/true");
	tree_mkdir(tree, CHECKS "/subdir");
	other = tree_file(tree, CHECKS "/other");
	/* Someone else's, when we may give it away (as root). */
	if (geteuid() == 0)
		assert_int_equal(chown(other, 4321, 4321), 0);

	text = list_site(tree, dir);
	assert_int_equal(access(marker, F_OK), -1);
	ok = strprintf("%s/ok", dir);
	assert_int_equal(lines_with(text, "site.ok", ok), 1);
	assert_int_equal(lines_with(text, "site.backup~", ""), 0);
	assert_int_equal(lines_with(text, "site.noexec", ""), 0);

	h = run_site(tree, 5, NULL);
	harness_expect(h, "site.ok", GP_PASS);
	assert_int_equal(access(marker, F_OK), 0);
	f = harness_find(h, "site.ignored");
	assert_non_null(f);
	assert_int_equal(f->n_evidence, geteuid() == 0 ? 6 : 5);
	assert_int_equal(lines_with(text, "site.ignored", ""), f->n_evidence);
	for (size_t i = 0; i < f->n_evidence; i++) {
		_cleanup_free_ char *line = strprintf("%s: not run",
						      f->evidence[i]);

		if (lines_with(text, "site.ignored", line) != 1)
			fail_msg("list lacks \"%s\":\n%s", line, text);
	}
	harness_free(h);
}

/* An untrusted directory: list says so, as check's warning does. */
static void list_refuses_a_writable_directory(void **state)
{
	char *tree = site_tree();
	_cleanup_free_ char *dir = tree_file(tree, CHECKS);
	_cleanup_free_ char *text = NULL;

	(void)state;
	add_check(tree, "fine", good_body, 0755);
	assert_int_equal(chmod(dir, 0777), 0);
	text = list_site(tree, dir);
	assert_int_equal(lines_with(text, "site.fine", ""), 0);
	assert_int_equal(lines_with(text, "site.ignored", dir), 1);
}

/* Offline, without --checks-dir: the tree's checks are named, not run. */
static void list_offline_tree(void **state)
{
	char *tree = site_tree();
	_cleanup_free_ char *text = NULL, *missing = NULL;

	(void)state;
	add_check(tree, "image", good_body, 0755);
	text = list_site(tree, NULL);
	assert_true(startswith(text, "site "));
	assert_int_equal(lines_with(text, "site.offline", EXTCHECKS_DIR), 1);
	assert_int_equal(lines_with(text, "site.image", ""), 0);

	/* --checks-dir that cannot be used: said, not fatal. */
	missing = tree_file(tree, "nonesuch");
	free(text);
	text = list_site(tree, missing);
	assert_int_equal(lines_with(text, "site.ignored", missing), 1);
}

static void timeout_values(void **state)
{
	static const char *const bad[] = { "0", "-1", "86401", "ten", "",
					   "1.5", "99999999999999999999" };
	unsigned sec = 0;

	(void)state;
	assert_int_equal(extchecks_parse_timeout("1", &sec), 0);
	assert_int_equal(sec, 1);
	assert_int_equal(extchecks_parse_timeout("86400", &sec), 0);
	assert_int_equal(sec, 86400);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		sec = 7;
		assert_int_equal(extchecks_parse_timeout(bad[i], &sec), -EINVAL);
		assert_int_equal(sec, 7);
	}
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(valid_findings_merged),
		TEST(only_selects_site_findings),
		TEST(patterns_know_site),
		TEST(bad_json_is_an_error),
		TEST(bad_findings_are_an_error),
		TEST(timeout_is_an_error),
		TEST(crash_is_an_error),
		TEST(failure_without_report_is_an_error),
		TEST(huge_output_is_an_error),
		TEST(untrusted_entries_are_skipped),
		TEST(writable_directory_runs_nothing),
		TEST(symlink_out_of_the_root_is_skipped),
		TEST(broken_check_leaves_others_running),
		TEST(offline_tree_runs_nothing),
		TEST(list_matches_the_run),
		TEST(list_refuses_a_writable_directory),
		TEST(list_offline_tree),
		TEST(timeout_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
