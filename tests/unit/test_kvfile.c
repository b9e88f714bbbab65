/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shell-style assignment files: quoting as sh does it, never expansion. */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "guestprep/kvfile.h"

static struct gp_kvfile parse(const char *text)
{
	struct gp_kvfile kv;

	assert_int_equal(gp_kv_parse(text, strlen(text), &kv), 0);
	return kv;
}

static void test_os_release(void **state)
{
	struct gp_kvfile kv = parse(
		"NAME=\"CentOS Linux\"\n"
		"VERSION=\"7 (Core)\"\n"
		"ID=\"centos\"\n"
		"ID_LIKE=\"rhel fedora\"\n"
		"VERSION_ID=\"7\"\n"
		"PRETTY_NAME=\"CentOS Linux 7 (Core)\"\n"
		"ANSI_COLOR=\"0;31\"\n"
		"\n"
		"# comment\n"
		"HOME_URL=https://www.centos.org/\n");

	assert_string_equal(gp_kv_get(&kv, "ID"), "centos");
	assert_string_equal(gp_kv_get(&kv, "PRETTY_NAME"), "CentOS Linux 7 (Core)");
	assert_string_equal(gp_kv_get(&kv, "HOME_URL"), "https://www.centos.org/");
	assert_int_equal(gp_kv_find(&kv, "VERSION_ID")->line, 5);
	assert_null(gp_kv_get(&kv, "MISSING"));
	assert_int_equal(kv.bad_lines, 0);
	gp_kv_done(&kv);
}

static void test_quoting(void **state)
{
	struct gp_kvfile kv = parse(
		"A='single $HOME \\n'\n"
		"B=\"dq \\\"x\\\" \\$y \\\\ \\n\"\n"
		"C=bare\\ word\n"
		"D=mixed'part'\"two\"\n"
		"export E=exported\n"
		"  F=indented # trailing comment\n"
		"G=\n"
		"H=\"multi\n"
		"line\"\n"
		"A=last-wins\n");

	assert_string_equal(gp_kv_get(&kv, "A"), "last-wins");
	assert_string_equal(gp_kv_get(&kv, "B"), "dq \"x\" $y \\ \\n");
	assert_string_equal(gp_kv_get(&kv, "C"), "bare word");
	assert_string_equal(gp_kv_get(&kv, "D"), "mixedparttwo");
	assert_string_equal(gp_kv_get(&kv, "E"), "exported");
	assert_string_equal(gp_kv_get(&kv, "F"), "indented");
	assert_string_equal(gp_kv_get(&kv, "G"), "");
	assert_string_equal(gp_kv_get(&kv, "H"), "multi\nline");
	assert_int_equal(kv.bad_lines, 0);
	gp_kv_done(&kv);
}

static void test_no_expansion(void **state)
{
	struct gp_kvfile kv = parse("X=$(rm -rf /)\nY=`id`\nZ=${HOME}\n");

	assert_string_equal(gp_kv_get(&kv, "X"), "$(rm");
	assert_string_equal(gp_kv_get(&kv, "Y"), "`id`");
	assert_string_equal(gp_kv_get(&kv, "Z"), "${HOME}");
	assert_int_equal(kv.bad_lines, 1);	/* "-rf /)" would be words */
	assert_int_equal(kv.first_bad_line, 1);
	gp_kv_done(&kv);
}

static void test_garbage(void **state)
{
	static const char bin[] = "\x7f" "ELF\x02\x01\x01\0\0\0garbage=\xff\n";
	struct gp_kvfile kv;

	kv = parse("this is not an assignment\n=novalue\n1X=bad\nOK=1\nU=\"open\n");
	assert_int_equal(kv.bad_lines, 4);
	assert_int_equal(kv.first_bad_line, 1);
	assert_string_equal(gp_kv_get(&kv, "OK"), "1");
	gp_kv_done(&kv);

	assert_int_equal(gp_kv_parse(bin, sizeof(bin) - 1, &kv), 0);
	assert_true(kv.bad_lines >= 1);
	gp_kv_done(&kv);

	kv = parse("");
	assert_int_equal(kv.n_items, 0);
	gp_kv_done(&kv);
}

static void test_load_through_root(void **state)
{
	char *tree = tree_new();
	struct gp_root *root = NULL;
	struct gp_kvfile kv;

	tree_write(tree, "etc/sysconfig/x", "K=v\n");
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_kv_load(root, "/etc/sysconfig/x", &kv), 0);
	assert_string_equal(gp_kv_get(&kv, "K"), "v");
	gp_kv_done(&kv);
	assert_int_equal(gp_kv_load(root, "/etc/missing", &kv), -ENOENT);
	gp_root_free(root);
	tree_free(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_os_release),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_no_expansion),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_load_through_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
