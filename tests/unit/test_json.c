/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON writer: structure, and valid output for any byte. */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "json.h"

static char *buf;
static size_t len;

static struct json open_json(void)
{
	struct json j;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_init(&j, f);
	return j;
}

/* The text written to @j (the caller frees). */
static char *close_json(struct json *j)
{
	char *text;

	assert_int_equal(fclose(j->f), 0);
	/* open_memstream() put it in buf: hand it over. */
	text = buf;
	buf = NULL;
	return text;
}

static void test_structure(void **state)
{
	struct json j = open_json();
	char *text;

	json_object_begin(&j, NULL);
	json_string(&j, "a", "b");
	json_uint(&j, "n", 18446744073709551615ull);
	json_bool(&j, "t", true);
	json_null(&j, "z");
	json_string(&j, "s", NULL);
	json_array_begin(&j, "empty");
	json_array_end(&j);
	json_array_begin(&j, "list");
	json_string(&j, NULL, "x");
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	text = close_json(&j);
	assert_string_equal(text,
		"{\n"
		"  \"a\": \"b\",\n"
		"  \"n\": 18446744073709551615,\n"
		"  \"t\": true,\n"
		"  \"z\": null,\n"
		"  \"s\": null,\n"
		"  \"empty\": [],\n"
		"  \"list\": [\n"
		"    \"x\",\n"
		"    {}\n"
		"  ]\n"
		"}\n");
	free(text);
}

/* @s as a JSON string (the caller frees). */
static char *escape(const char *s, size_t n)
{
	struct json j = open_json();

	json_string_len(&j, NULL, s, n);
	return close_json(&j);
}

static void expect_escape(const char *s, size_t n, const char *want)
{
	char *out = escape(s, n);

	assert_string_equal(out, want);
	free(out);
}

static void test_escapes(void **state)
{
	expect_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	expect_escape("\n\t\r\x01\x1f\x7f", 6,
		      "\"\\n\\t\\r\\u0001\\u001f\\u007f\"");
	expect_escape("nul\0byte", 8, "\"nul\\u0000byte\"");
}

static void test_utf8(void **state)
{
	/* Valid UTF-8 passes through; anything else becomes \\xNN text. */
	expect_escape("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", 14,
		      "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"");
	expect_escape("\xff\xfe", 2, "\"\\\\xff\\\\xfe\"");
	/* Overlong "/", a surrogate, beyond U+10FFFF, a truncated sequence. */
	expect_escape("\xc0\xaf", 2, "\"\\\\xc0\\\\xaf\"");
	expect_escape("\xed\xa0\x80", 3, "\"\\\\xed\\\\xa0\\\\x80\"");
	expect_escape("\xf4\x90\x80\x80", 4,
		      "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"");
	expect_escape("\xe4\xb8", 2, "\"\\\\xe4\\\\xb8\"");
}

/* Every single byte value, alone, gives a valid JSON string. */
static void test_every_byte(void **state)
{
	for (int c = 0; c < 256; c++) {
		char in = (char)c;
		char *out = escape(&in, 1);
		size_t n = strlen(out);

		assert_true(n >= 3 && out[0] == '"' && out[n - 1] == '"');
		for (size_t i = 1; i < n - 1; i++)
			assert_true((unsigned char)out[i] >= 0x20);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
