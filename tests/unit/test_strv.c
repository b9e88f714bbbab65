/* SPDX-License-Identifier: GPL-2.0-or-later */
/* String vectors and the string helpers plugins share (strv.h). */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "guestprep/strv.h"

/* A variadic wrapper, as modules that collect notes write one. */
static int push_va(char ***v, const char *fmt, ...) _printf_(2, 3);
static int push_va(char ***v, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strv_pushfv(v, fmt, ap);
	va_end(ap);
	return r;
}

static void push_and_consume(void **state)
{
	_cleanup_(strv_freep) char **v = NULL;

	assert_true(strv_isempty(v));
	assert_int_equal(strv_length(v), 0);
	assert_int_equal(strv_push(&v, "a"), 0);
	assert_int_equal(strv_consume(&v, strdup("b")), 0);
	assert_int_equal(strv_pushf(&v, "%s/%u", "c", 3u), 0);
	assert_int_equal(push_va(&v, "%s", "d"), 0);
	/* A failed strprintf() passed straight in: -ENOMEM, v unchanged. */
	assert_int_equal(strv_consume(&v, NULL), -ENOMEM);
	assert_false(strv_isempty(v));
	assert_int_equal(strv_length(v), 4);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "c/3");
	assert_string_equal(v[3], "d");
	assert_null(v[4]);
}

static void push_unique(void **state)
{
	_cleanup_(strv_freep) char **v = NULL;

	/* Into an empty (NULL) vector, then only what is not there. */
	assert_int_equal(strv_push_unique(&v, "a"), 0);
	assert_int_equal(strv_push_unique(&v, "b"), 0);
	assert_int_equal(strv_push_unique(&v, "a"), 0);
	assert_int_equal(strv_push_unique(&v, "b"), 0);
	assert_int_equal(strv_push_unique(&v, "ab"), 0);
	assert_int_equal(strv_length(v), 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "ab");
	assert_null(v[3]);
}

static void sort_and_join(void **state)
{
	_cleanup_(strv_freep) char **v = NULL;
	_cleanup_free_ char *joined = NULL, *none = NULL;

	assert_int_equal(strv_split("rc3.d, rc1.d rc10.d,,rc2.d", &v), 0);
	strv_sort(v);
	joined = strv_join(v, " ");
	assert_string_equal(joined, "rc1.d rc10.d rc2.d rc3.d");
	/* Sorting part of a vector: what follows an index. */
	strv_sort(v + 4);
	strv_sort(NULL);
	none = strv_join(NULL, ", ");
	assert_string_equal(none, "");
}

static void prefixes_and_suffixes(void **state)
{
	_cleanup_free_ char *s = strprintf("%s-%d", "cloud", 9);

	assert_string_equal(s, "cloud-9");
	assert_true(startswith("cloud-init.target.wants", "cloud-init"));
	assert_false(startswith("cloud", "cloud-init"));
	assert_true(endswith("multi-user.target.wants", ".wants"));
	assert_true(endswith(".wants", ".wants"));
	assert_true(endswith("x", ""));
	assert_false(endswith("wants", ".wants"));
	assert_false(endswith("a.wants.d", ".wants"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(push_and_consume),
		cmocka_unit_test(push_unique),
		cmocka_unit_test(sort_and_join),
		cmocka_unit_test(prefixes_and_suffixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
