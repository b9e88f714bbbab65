/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Version ordering and the profile's version patterns: release numbers
 * as distributions write them, kernel releases, and the patterns the
 * built-in profiles use ("6", "13.1", ">=681.2.0").
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "guestprep/macro.h"
#include "guestprep/profile.h"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Check a < b both ways round, and that each equals itself. */
static void expect_less(const char *a, const char *b)
{
	if (sign(gp_version_cmp(a, b)) != -1 || sign(gp_version_cmp(b, a)) != 1)
		fail_msg("expected %s < %s", a ? a : "NULL", b ? b : "NULL");
	assert_int_equal(gp_version_cmp(a, a), 0);
	assert_int_equal(gp_version_cmp(b, b), 0);
}

static void test_cmp_numeric(void **state _unused_)
{
	expect_less("6.9", "6.10");
	expect_less("6", "6.10");
	expect_less("7", "7.9.2009");
	expect_less("7.9", "7.9.2009");
	expect_less("2.6", "10.0");
	expect_less("681.2.0", "1911.3.0");
	expect_less("12.1-RELEASE", "12.1-RELEASE-p3");
	expect_less("12.1-RELEASE-p3", "12.2-RELEASE");
	expect_less("9", "18446744073709551616");
	expect_less("18446744073709551615", "18446744073709551616");
}

static void test_cmp_equal(void **state _unused_)
{
	assert_int_equal(gp_version_cmp("14.04", "14.4"), 0);
	assert_int_equal(gp_version_cmp("007", "7"), 0);
	assert_int_equal(gp_version_cmp("", ""), 0);
	assert_int_equal(gp_version_cmp(NULL, NULL), 0);
}

static void test_cmp_kernels(void **state _unused_)
{
	expect_less("3.13.0-24-generic", "3.13.0-170-generic");
	expect_less("3.10.0-957.el7.x86_64", "3.10.0-1160.el7.x86_64");
	expect_less("3.10.0-1160.el7.x86_64", "5.4.17-2011.6.2.el7uek.x86_64");
	expect_less("4.4.73-5-default", "4.12.14-94.41-default");
	expect_less("2.6.32-696.el6.x86_64", "2.6.32-754.el6.x86_64");
}

static void test_cmp_null_and_text(void **state _unused_)
{
	expect_less(NULL, "");
	expect_less(NULL, "1");
	expect_less("", "1");
	/* Letters compare as bytes, after equal numbers. */
	expect_less("1.0a", "1.0b");
	expect_less("7", "7a");
}

static bool matches(const char *version, const char *pattern)
{
	char *patterns[] = { (char *)pattern, NULL };

	return gp_version_matches(version, patterns);
}

static void test_match_prefix(void **state _unused_)
{
	assert_true(matches("6", "6"));
	assert_true(matches("6.10", "6"));
	assert_true(matches("6.10", "6.10"));
	assert_false(matches("60", "6"));
	assert_false(matches("6.10", "6.1"));
	assert_true(matches("13.1", "13.1"));
	assert_true(matches("13.1.2", "13.1"));
	assert_false(matches("13.10", "13.1"));
	assert_false(matches("13", "13.1"));
	assert_true(matches("14.04.6", "14"));
	assert_true(matches("14.4", "14.04"));
	assert_true(matches("7.9.2009", "7"));
	assert_true(matches("12.1-RELEASE-p3", "12.1"));
	assert_true(matches("12.1-RELEASE-p3", "12"));
	assert_false(matches("12.1-RELEASE-p3", "12.2"));
}

static void test_match_ops(void **state _unused_)
{
	assert_true(matches("681.2.0", ">=681.2.0"));
	assert_true(matches("1911.3.0", ">=681.2.0"));
	assert_false(matches("681.1.9", ">=681.2.0"));
	assert_true(matches("8", ">7"));
	assert_true(matches("8.1", ">7"));
	/* A pattern names releases as precisely as it is written. */
	assert_false(matches("7.9", ">7"));
	assert_false(matches("7", ">7"));
	assert_true(matches("12", "<=12"));
	assert_true(matches("12.5", "<=12"));
	assert_true(matches("11.4", "<=12"));
	assert_false(matches("13", "<=12"));
	assert_true(matches("18.04", "<19"));
	assert_false(matches("19.04", "<19"));
	assert_false(matches("20.04", "<19"));
	assert_true(matches("7", "=7"));
	assert_true(matches("7.9", "==7"));
	assert_true(matches("7.9", ">= 7"));
	assert_false(matches("7", ">="));
}

static void test_match_lists(void **state _unused_)
{
	/* The profile owns writable strings; literals stand in for them. */
	char *ubuntu[] = { (char *)"10", (char *)"12", (char *)"13",
			   (char *)"14", (char *)"16", (char *)"18",
			   NULL };
	char *none[] = { NULL };

	assert_true(gp_version_matches("14.04.6", ubuntu));
	assert_true(gp_version_matches("18.04", ubuntu));
	assert_false(gp_version_matches("20.04", ubuntu));
	assert_false(gp_version_matches("1", ubuntu));
	assert_false(gp_version_matches("14.04", none));
	assert_false(gp_version_matches("14.04", NULL));
	/* No version never matches, whatever the patterns. */
	assert_false(gp_version_matches(NULL, ubuntu));
	assert_false(gp_version_matches("", ubuntu));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmp_numeric),
		cmocka_unit_test(test_cmp_equal),
		cmocka_unit_test(test_cmp_kernels),
		cmocka_unit_test(test_cmp_null_and_text),
		cmocka_unit_test(test_match_prefix),
		cmocka_unit_test(test_match_ops),
		cmocka_unit_test(test_match_lists),
	};

	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
