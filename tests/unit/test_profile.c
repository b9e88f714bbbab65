/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Profiles: the built-in data, inheritance, overrides and their errors. */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "guestprep/profile.h"
#include "util.h"

static struct gp_profile *load(const char *name)
{
	struct gp_profile *p = NULL;
	char *error = NULL;

	if (gp_profile_load(name, &p, &error) < 0)
		fail_msg("%s: %s", name, error);
	return p;
}

/* Load @text as a profile file; returns the error text (or NULL). */
static char *load_text(const char *text, int expect)
{
	char *tree = tree_new(), *path, *error = NULL;
	struct gp_profile *p = NULL;

	tree_write(tree, "x.profile", text);
	path = strprintf("%s/x.profile", tree);
	assert_int_equal(gp_profile_load(path, &p, &error), expect);
	if (expect == 0) {
		assert_string_equal(p->name, "x");
		gp_profile_free(p);
	}
	free(path);
	tree_free(tree);
	return error;
}

static void test_alibaba(void **state)
{
	struct gp_profile *p = load("alibaba");

	/* The newest edition of the requirements. */
	assert_int_equal(p->system_disk_min_gib, 5);
	assert_int_equal(p->system_disk_max_gib, 500);
	assert_int_equal(p->data_disk_max_gib, 1000);
	assert_true(gp_strv_contains(p->filesystems, "ext4"));
	assert_true(gp_strv_contains(p->filesystems, "xfs"));
	assert_false(gp_strv_contains(p->filesystems, "btrfs"));
	assert_true(gp_strv_contains(p->partition_tables, "dos"));
	assert_true(gp_strv_contains(p->ext4_forbidden, "64bit"));
	assert_int_equal(p->ssh_port, 22);
	assert_int_equal(p->qemu_ga_installed, GP_FAIL);
	assert_int_equal(p->cloud_init_missing, GP_WARN);
	assert_int_equal(p->selinux_enforcing, GP_FAIL);
	assert_string_equal(p->image_format, "qcow2");
	assert_string_equal(p->fallback_platform, "Others Linux");
	assert_true(p->n_platforms >= 9);
	gp_profile_free(p);
}

static void test_older_edition_inherits(void **state)
{
	struct gp_profile *p = load("alibaba-2018");

	assert_string_equal(p->name, "alibaba-2018");
	assert_int_equal(p->system_disk_min_gib, 40);
	assert_int_equal(p->data_disk_max_gib, 2000);
	assert_int_equal(p->os_unlisted_version, GP_FAIL);
	/* Everything else comes from alibaba. */
	assert_int_equal(p->system_disk_max_gib, 500);
	assert_int_equal(p->ssh_port, 22);
	gp_profile_free(p);
}

static void test_classify(void **state)
{
	struct gp_profile *p = load("alibaba");
	struct gp_os os = { .kind = GP_KIND_LINUX, .id = "centos",
			    .version = "7.9.2009" };
	const char *platform;

	assert_int_equal(gp_profile_classify(p, &os, &platform), GP_SUPPORT_YES);
	assert_string_equal(platform, "CentOS");
	os.version = "8.5";
	assert_int_equal(gp_profile_classify(p, &os, &platform),
			 GP_SUPPORT_UNLISTED);
	assert_string_equal(platform, "CentOS");
	os.id = "rhel";	/* no versions listed: any */
	assert_int_equal(gp_profile_classify(p, &os, &platform), GP_SUPPORT_YES);
	assert_string_equal(platform, "RedHat");
	os.id = "arch";
	os.version = NULL;
	assert_int_equal(gp_profile_classify(p, &os, &platform), GP_SUPPORT_NO);
	assert_string_equal(platform, "Others Linux");
	os.id = NULL;
	assert_int_equal(gp_profile_classify(p, &os, &platform),
			 GP_SUPPORT_UNKNOWN);
	assert_null(platform);
	gp_profile_free(p);
}

static void test_set(void **state)
{
	struct gp_profile *p = load("alibaba");
	char *error = NULL;

	assert_int_equal(gp_profile_set(p, "disk_space.warn_free_mib", "4096",
					&error), 0);
	assert_int_equal(p->disk_warn_free_mib, 4096);
	assert_int_equal(gp_profile_set(p, "selinux.enforcing", "warn", &error), 0);
	assert_int_equal(p->selinux_enforcing, GP_WARN);
	assert_int_equal(gp_profile_set(p, "versions.CentOS", "", &error), 0);
	assert_int_equal(gp_profile_set(p, "platform.Rocky", "rocky", &error), 0);

	assert_int_equal(gp_profile_set(p, "no.such", "1", &error), -ENOENT);
	assert_non_null(strstr(error, "no.such"));
	free(error);
	assert_int_equal(gp_profile_set(p, "sshd.port", "twenty", &error), -EINVAL);
	assert_non_null(strstr(error, "whole number"));
	free(error);
	assert_int_equal(gp_profile_set(p, "sshd.port", "99999999999", &error),
			 -EINVAL);
	free(error);
	assert_int_equal(gp_profile_set(p, "qemu_ga.installed", "skip", &error),
			 -EINVAL);
	free(error);
	gp_profile_free(p);
}

static void test_file_profiles(void **state)
{
	char *error;

	assert_null(load_text("inherit = alibaba\nsshd.port = 2222\n", 0));
	assert_null(load_text("# all by itself\nsshd.port = 22\n", 0));

	error = load_text("inherit = alibaba\nsshd.port = 22\nbogus\n", -EINVAL);
	assert_non_null(strstr(error, "x.profile:3:"));
	free(error);
	error = load_text("sshd.port = 22\ninherit = alibaba\n", -EINVAL);
	assert_non_null(strstr(error, "x.profile:2:"));
	free(error);
	error = load_text("unknown.key = 1\n", -EINVAL);
	assert_non_null(strstr(error, "x.profile:1:"));
	free(error);
	error = load_text("inherit = no-such-profile\n", -ENOENT);
	assert_non_null(strstr(error, "no-such-profile"));
	free(error);
}

static void test_inherit_loop(void **state)
{
	char *tree = tree_new(), *path, *text, *error = NULL;
	struct gp_profile *p = NULL;

	path = strprintf("%s/self.profile", tree);
	text = strprintf("inherit = %s\n", path);
	tree_write(tree, "self.profile", text);
	assert_int_equal(gp_profile_load(path, &p, &error), -ELOOP);
	assert_non_null(error);
	free(error);
	free(text);
	free(path);
	tree_free(tree);
}

static void test_unknown_profile(void **state)
{
	struct gp_profile *p = NULL;
	char *error = NULL;

	assert_int_equal(gp_profile_load("nonesuch", &p, &error), -ENOENT);
	assert_non_null(strstr(error, "alibaba"));
	free(error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alibaba),
		cmocka_unit_test(test_older_edition_inherits),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_file_profiles),
		cmocka_unit_test(test_inherit_loop),
		cmocka_unit_test(test_unknown_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
