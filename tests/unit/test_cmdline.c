/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command-line options: whole words, quotes as grub treats them. */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "guestprep/cmdline.h"

static void find_whole_words(void **state)
{
	static const struct {
		const char *text;
		bool found;
	} cases[] = {
		{ "enforcing=1", true },
		{ "quiet enforcing=1", true },
		{ "enforcing=1 quiet", true },
		{ "quiet\tenforcing=1\trhgb", true },
		{ "quiet\nenforcing=1\r\n", true },
		/* grub unquotes both kinds before the kernel sees them */
		{ "\"enforcing=1\"", true },
		{ "quiet 'enforcing=1' rhgb", true },
		{ "a=\"x\"enforcing=1", true },
		/* part of another word */
		{ "enforcing=10", false },
		{ "xenforcing=1", false },
		{ "selinux.enforcing=1", false },
		{ "enforcing=1x enforcing=0", false },
		{ "enforcing=", false },
		{ "", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (gp_cmdline_has(cases[i].text, "enforcing=1") !=
		    cases[i].found)
			print_error("case %zu: \"%s\"\n", i, cases[i].text);
		assert_int_equal(gp_cmdline_has(cases[i].text, "enforcing=1"),
				 cases[i].found);
	}
	assert_false(gp_cmdline_has("anything", ""));
}

/* The bytes given, not the NUL: a match may end the buffer. */
static void find_in_a_span(void **state)
{
	static const char text[] = "ro cloud-init=disabled quiet";
	const char *p;

	p = gp_cmdline_find(text, strlen(text), "cloud-init=disabled");
	assert_ptr_equal(p, text + 3);
	/* Cut inside the word: no longer whole. */
	assert_null(gp_cmdline_find(text, 10, "cloud-init"));
	assert_ptr_equal(gp_cmdline_find(text, 22, "cloud-init=disabled"),
			 text + 3);
	assert_null(gp_cmdline_find(text, 21, "cloud-init=disabled"));
	/* NUL bytes are data, not an end. */
	assert_non_null(gp_cmdline_find("a\0 quiet", 8, "quiet"));
	assert_null(gp_cmdline_find("a\0quiet", 7, "quiet"));
}

static void next_values(void **state)
{
	static const char text[] =
		"linux /vmlinuz root=/dev/sda1 ro\troot=UUID=abc "
		"xroot=no 'root=/dev/vda1' root= console=ttyS0,115200n8";
	const char *end = text + strlen(text);
	const char *expect[] = { "/dev/sda1", "UUID=abc", "/dev/vda1", "" };
	const char *p = text, *v;
	size_t n, i = 0;

	while ((p = gp_cmdline_next(text, p, end, "root", &v, &n))) {
		assert_true(i < ARRAY_SIZE(expect));
		assert_int_equal(n, strlen(expect[i]));
		assert_memory_equal(v, expect[i], n);
		assert_memory_equal(p, "root=", 5);
		i++;
		p++;
	}
	assert_int_equal(i, ARRAY_SIZE(expect));

	p = gp_cmdline_next(text, text, end, "console", &v, &n);
	assert_non_null(p);
	assert_int_equal(n, strlen("ttyS0,115200n8"));
	assert_ptr_equal(v + n, end);
}

/* Starting mid-line: the character before @p still counts. */
static void next_judges_the_byte_before(void **state)
{
	static const char text[] = "xroot=/dev/sda1 root=/dev/sdb1";
	const char *end = text + strlen(text), *v = NULL;
	size_t n = 0;

	assert_ptr_equal(gp_cmdline_next(text, text + 1, end, "root", &v, &n),
			 text + 16);
	assert_int_equal(n, 9);
	/* A text that is only the key, or shorter: nothing, ret_* kept. */
	v = NULL;
	assert_null(gp_cmdline_next(text, end - 4, end, "root", &v, &n));
	assert_null(v);
	assert_null(gp_cmdline_next("root", "root", "root" + 4, "root", &v,
				    &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_whole_words),
		cmocka_unit_test(find_in_a_span),
		cmocka_unit_test(next_values),
		cmocka_unit_test(next_judges_the_byte_before),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
