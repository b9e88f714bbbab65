/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command line and configuration file: parsing, precedence, errors. */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "cli.h"
#include "util.h"

static int parse(struct gp_options *o, char **error, ...)
{
	char *argv[32] = { "guestprep" };
	int argc = 1;
	va_list ap;

	va_start(ap, error);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	*error = NULL;
	return cli_parse(argc, argv, o, error);
}

static void test_check_options(void **state)
{
	struct gp_options o;
	char *error;

	assert_int_equal(parse(&o, &error, "check", "--root", "/mnt", "-p",
			       "alibaba-2018", "--format=json", "--only",
			       "os,selinux", "--only", "disk_space", "--skip",
			       "os.architecture", "-s", "sshd.port=2222", "-v",
			       "-o", "/tmp/r.json", (char *)NULL), 0);
	assert_int_equal(o.command, GP_CMD_CHECK);
	assert_string_equal(o.root, "/mnt");
	assert_string_equal(o.profile, "alibaba-2018");
	assert_int_equal(o.format, GP_FORMAT_JSON);
	assert_int_equal(strv_length(o.only), 3);
	assert_string_equal(o.only[2], "disk_space");
	assert_string_equal(o.skip[0], "os.architecture");
	assert_string_equal(o.set[0], "sshd.port=2222");
	assert_string_equal(o.output, "/tmp/r.json");
	assert_true(o.verbose && o.has_only && o.has_skip && o.has_format);
	cli_done(&o);
}

static void test_commands(void **state)
{
	struct gp_options o;
	char *error;

	assert_int_equal(parse(&o, &error, "list", (char *)NULL), 0);
	assert_int_equal(o.command, GP_CMD_LIST);
	cli_done(&o);
	assert_int_equal(parse(&o, &error, "--version", (char *)NULL), 0);
	assert_int_equal(o.command, GP_CMD_VERSION);
	cli_done(&o);
	assert_int_equal(parse(&o, &error, (char *)NULL), 0);
	assert_int_equal(o.command, GP_CMD_HELP);
	cli_done(&o);
	assert_int_equal(parse(&o, &error, "--root", "/x", (char *)NULL), 0);
	assert_int_equal(o.command, GP_CMD_CHECK);
	assert_string_equal(o.root, "/x");
	cli_done(&o);
}

static void test_usage_errors(void **state)
{
	static const char *const bad[][3] = {
		{ "frobnicate" }, { "check", "--format", "xml" },
		{ "check", "--bogus" }, { "check", "--root" },
		{ "check", "extra" }, { "check", "--set", "novalue" },
		{ "check", "--color", "pink" },
	};
	struct gp_options o;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *argv[5] = { "guestprep" }, *error = NULL;
		int argc = 1;

		for (size_t a = 0; a < 3 && bad[i][a]; a++)
			argv[argc++] = (char *)bad[i][a];
		assert_int_equal(cli_parse(argc, argv, &o, &error), -EINVAL);
		assert_non_null(error);
		free(error);
	}
}

/* The password comes from standard input: an argument is refused unseen. */
static void test_password_command(void **state)
{
	struct gp_options o;
	char *error;

	assert_int_equal(parse(&o, &error, "password", (char *)NULL), 0);
	assert_int_equal(o.command, GP_CMD_PASSWORD);
	cli_done(&o);
	assert_int_equal(parse(&o, &error, "password", "-f", "json",
			       (char *)NULL), 0);
	assert_int_equal(o.command, GP_CMD_PASSWORD);
	assert_int_equal(o.format, GP_FORMAT_JSON);
	cli_done(&o);
	assert_int_equal(parse(&o, &error, "password", "Secret12!",
			       (char *)NULL), -EINVAL);
	assert_non_null(error);
	assert_null(strstr(error, "Secret12!"));
	free(error);
	assert_int_equal(parse(&o, &error, "password", "--format", "json",
			       "Secret12!", (char *)NULL),
			 -EINVAL);
	assert_null(strstr(error, "Secret12!"));
	free(error);
	assert_int_equal(parse(&o, &error, "password", "-sSecret12!",
			       (char *)NULL), -EINVAL);
	assert_null(strstr(error, "Secret12!"));
	free(error);
}

/* Write a configuration file and load it with the given command line. */
static int conf(const char *text, struct gp_options *o,
		struct gp_profile **p, char **error, char **tree)
{
	*tree = tree_new();
	tree_write(*tree, "guestprep.conf", text);
	o->config = strprintf("%s/guestprep.conf", *tree);
	*error = NULL;
	return conf_load(o, p, error);
}

static void test_config_defaults_and_overrides(void **state)
{
	struct gp_options o = { 0 };
	struct gp_profile *p = NULL;
	char *error, *tree;

	assert_int_equal(conf("# site defaults\n"
			      "profile = alibaba-2018\n"
			      "format = json\n"
			      "skip = selinux.live, os.architecture\n"
			      "disk_space.warn_free_mib = 4096\n"
			      "sshd.port = 2222\n", &o, &p, &error, &tree), 0);
	assert_string_equal(p->name, "alibaba-2018");
	assert_int_equal(o.format, GP_FORMAT_JSON);
	assert_int_equal(strv_length(o.skip), 2);
	assert_int_equal(p->disk_warn_free_mib, 4096);
	assert_int_equal(p->ssh_port, 2222);
	gp_profile_free(p);
	cli_done(&o);
	tree_free(tree);
}

static void test_command_line_wins(void **state)
{
	struct gp_options o;
	struct gp_profile *p = NULL;
	char *error, *tree;

	assert_int_equal(parse(&o, &error, "check", "--profile", "alibaba",
			       "--format", "text", "--skip", "os", "--set",
			       "sshd.port=22", (char *)NULL), 0);
	assert_int_equal(conf("profile = alibaba-2018\nformat = json\n"
			      "skip = selinux\nsshd.port = 2222\n",
			      &o, &p, &error, &tree), 0);
	assert_string_equal(p->name, "alibaba");
	assert_int_equal(o.format, GP_FORMAT_TEXT);
	assert_string_equal(o.skip[0], "os");
	assert_int_equal(strv_length(o.skip), 1);
	assert_int_equal(p->ssh_port, 22);
	gp_profile_free(p);
	cli_done(&o);
	tree_free(tree);
}

static void expect_conf_error(const char *text, const char *where)
{
	struct gp_options o = { 0 };
	struct gp_profile *p = NULL;
	char *error, *tree;

	assert_int_equal(conf(text, &o, &p, &error, &tree), -EINVAL);
	assert_null(p);
	if (!error || !strstr(error, where))
		fail_msg("error \"%s\" does not name %s", error, where);
	free(error);
	cli_done(&o);
	tree_free(tree);
}

static void test_config_errors_name_the_line(void **state)
{
	expect_conf_error("format = json\nthis line is garbage\n",
			  "guestprep.conf:2:");
	expect_conf_error("\n\nformat = yaml\n", "guestprep.conf:3:");
	expect_conf_error("no.such.key = 1\n", "guestprep.conf:1:");
	expect_conf_error("sshd.port = -1\n", "guestprep.conf:1:");
	expect_conf_error("description = \"open\n", "guestprep.conf:1:");
}

static void test_missing_config(void **state)
{
	struct gp_options o = { .config = strdup("/nonexistent/guestprep.conf") };
	struct gp_profile *p = NULL;
	char *error = NULL;

	assert_int_equal(conf_load(&o, &p, &error), -ENOENT);
	assert_non_null(strstr(error, "/nonexistent/guestprep.conf"));
	free(error);
	cli_done(&o);
}

static void test_config_not_a_file(void **state)
{
	struct gp_options o = { .config = strdup("/") };
	struct gp_profile *p = NULL;
	char *error = NULL;

	assert_true(conf_load(&o, &p, &error) < 0);
	assert_non_null(error);
	free(error);
	cli_done(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_options),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_password_command),
		cmocka_unit_test(test_config_defaults_and_overrides),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_config_errors_name_the_line),
		cmocka_unit_test(test_missing_config),
		cmocka_unit_test(test_config_not_a_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
