/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file's site check settings (agent/conf.c):
 * checks-dir and checks-timeout, set in the file, beaten by
 * --checks-dir and --checks-timeout, and refused with the file and line
 * when they are wrong.
 */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "cli.h"
#include "util.h"

/* Load @text as the configuration, after the command line @args. */
static int load(const char *text, const char *const *args,
		struct gp_options *o, char **error)
{
	char *argv[8] = { "guestprep", "check" };
	struct gp_profile *p = NULL;
	char *tree = tree_kept(tree_new());
	int argc = 2, r;

	for (size_t i = 0; args && args[i]; i++)
		argv[argc++] = (char *)args[i];
	*error = NULL;
	assert_int_equal(cli_parse(argc, argv, o, error), 0);
	tree_write(tree, "guestprep.conf", text);
	o->config = strprintf("%s/guestprep.conf", tree);
	r = conf_load(o, &p, error);
	assert_true(r == 0 ? p != NULL : p == NULL);
	gp_profile_free(p);
	return r;
}

static void set_in_the_file(void **state)
{
	struct gp_options o;
	char *error;

	(void)state;
	assert_int_equal(load("checks-dir = /srv/guestprep/checks\n"
			      "checks-timeout = 30\n"
			      "format = json\n", NULL, &o, &error), 0);
	assert_string_equal(o.checks_dir, "/srv/guestprep/checks");
	assert_int_equal(o.checks_timeout, 30);
	assert_int_equal(o.format, GP_FORMAT_JSON);
	cli_done(&o);

	/* Quoted, and a later line replaces an earlier one. */
	assert_int_equal(load("checks-dir = \"/a b\"\nchecks-timeout = 5\n"
			      "checks-timeout = 86400\n", NULL, &o, &error), 0);
	assert_string_equal(o.checks_dir, "/a b");
	assert_int_equal(o.checks_timeout, 86400);
	cli_done(&o);

	/* The same for the profile, unless the command line names one. */
	assert_int_equal(load("profile = alibaba\nprofile = alibaba-2018\n",
			      NULL, &o, &error), 0);
	assert_string_equal(o.profile, "alibaba-2018");
	cli_done(&o);

	/* Not set anywhere: the defaults (extchecks.h) apply. */
	assert_int_equal(load("# nothing\n", NULL, &o, &error), 0);
	assert_null(o.checks_dir);
	assert_int_equal(o.checks_timeout, 0);
	cli_done(&o);
}

static void command_line_wins(void **state)
{
	static const char *const args[] = { "--checks-dir", "/cli/dir",
					    "--checks-timeout", "3", NULL };
	static const char *const dir_only[] = { "--checks-dir", "/cli/dir",
						NULL };
	static const char *const profile[] = { "--profile", "alibaba", NULL };
	struct gp_options o;
	char *error;

	(void)state;
	assert_int_equal(load("checks-dir = /file/dir\nchecks-timeout = 30\n",
			      args, &o, &error), 0);
	assert_string_equal(o.checks_dir, "/cli/dir");
	assert_int_equal(o.checks_timeout, 3);
	cli_done(&o);

	/* Each setting on its own: the file still gives the other. */
	assert_int_equal(load("checks-dir = /file/dir\nchecks-timeout = 30\n",
			      dir_only, &o, &error), 0);
	assert_string_equal(o.checks_dir, "/cli/dir");
	assert_int_equal(o.checks_timeout, 30);
	cli_done(&o);

	assert_int_equal(load("profile = alibaba-2018\nprofile = nonesuch\n",
			      profile, &o, &error), 0);
	assert_string_equal(o.profile, "alibaba");
	cli_done(&o);
}

static void expect_error(const char *text, const char *where)
{
	struct gp_options o;
	char *error;

	assert_int_equal(load(text, NULL, &o, &error), -EINVAL);
	if (!error || !strstr(error, where))
		fail_msg("error \"%s\" does not name %s", error, where);
	free(error);
	cli_done(&o);
}

static void bad_values_name_the_line(void **state)
{
	(void)state;
	expect_error("checks-timeout = 0\n", "guestprep.conf:1:");
	expect_error("\nchecks-timeout = 86401\n", "guestprep.conf:2:");
	expect_error("checks-timeout = soon\n", "guestprep.conf:1:");
	expect_error("checks-timeout = -5\n", "guestprep.conf:1:");
	expect_error("checks-timeout =\n", "guestprep.conf:1:");
	expect_error("checks-dir = relative/dir\n", "guestprep.conf:1:");
	expect_error("checks-dir =\n", "guestprep.conf:1:");
	/* Wrong even when the command line overrides it. */
	expect_error("format = json\nchecks-dir = ../up\n", "guestprep.conf:2:");
}

/* They are the file's own keys, never profile overrides. */
static void not_profile_keys(void **state)
{
	struct gp_options o;
	char *error;

	(void)state;
	assert_int_equal(load("checks-timeout = 7\n", NULL, &o, &error), 0);
	assert_null(error);
	cli_done(&o);
	expect_error("checks_timeout = 7\n", "guestprep.conf:1:");
	expect_error("site.checks-dir = /x\n", "guestprep.conf:1:");
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(set_in_the_file),
		TEST(command_line_wins),
		TEST(bad_values_name_the_line),
		TEST(not_profile_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
