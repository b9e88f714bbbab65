/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/fstab through libmount: entries with their lines, bad lines. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "guestprep/mounts.h"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

/* Load the fstab of a tree holding the @len bytes @text; the result. */
static int load_bytes(const void *text, size_t len, struct gp_fstab *ret)
{
	char *tree = tree_kept(tree_new());
	struct gp_root *root;
	int r;

	tree_write_bytes(tree, "etc/fstab", text, len);
	assert_int_equal(gp_root_new(tree, &root), 0);
	r = gp_fstab_load(root, ret);
	gp_root_free(root);
	return r;
}

static void load(const char *text, struct gp_fstab *ret)
{
	assert_int_equal(load_bytes(text, strlen(text), ret), 0);
}

static void entries_numbered(void **state)
{
	struct gp_fstab t;
	struct libmnt_fs *fs;

	load("# /etc/fstab\n"
	     "\n"
	     "UUID=3f0e2c8a / ext4 errors=remount-ro 0 1\n"
	     "   \t\n"
	     "  /dev/sdb1\t/data xfs defaults,nofail 0 2\n"
	     "# swap\n"
	     "LABEL=swap none swap sw 0 0\n"
	     "/dev/sdc1 /x\\040y ext4 ro", &t);
	assert_non_null(t.table);
	assert_int_equal(t.n_bad, 0);
	assert_int_equal(t.n_entries, 4);
	assert_int_equal(t.entries[0].line, 3);
	assert_string_equal(mnt_fs_get_source(t.entries[0].fs),
			    "UUID=3f0e2c8a");
	assert_int_equal(t.entries[1].line, 5);
	assert_string_equal(mnt_fs_get_target(t.entries[1].fs), "/data");
	assert_int_equal(t.entries[2].line, 7);
	assert_int_equal(t.entries[3].line, 8);
	assert_string_equal(mnt_fs_get_target(t.entries[3].fs), "/x y");
	/* The table is libmount's, for libmount's own look-ups. */
	fs = mnt_table_find_target(t.table, "/x y", MNT_ITER_BACKWARD);
	assert_ptr_equal(fs, t.entries[3].fs);
	assert_int_equal(mnt_fs_match_options(fs, "ro"), 1);
	assert_int_equal(t.len, strlen(t.text));
	gp_fstab_done(&t);
	/* Done twice is harmless: the struct is emptied. */
	gp_fstab_done(&t);
}

/* Rejected lines are listed, and are not entries. */
static void bad_lines_listed(void **state)
{
	struct gp_fstab t;

	load("UUID=3f0e2c8a / ext4 defaults 0 1\n"
	     "/dev/vdb1\n"
	     "/dev/vdc1 /data xfs defaults no 2\n"
	     "/dev/vdd1 /ok xfs defaults 0 2\n", &t);
	assert_int_equal(t.n_bad, 2);
	assert_int_equal(t.bad_lines[0], 2);
	assert_int_equal(t.bad_lines[1], 3);
	assert_int_equal(t.n_entries, 2);
	assert_int_equal(t.entries[0].line, 1);
	assert_int_equal(t.entries[1].line, 4);
	assert_string_equal(mnt_fs_get_target(t.entries[1].fs), "/ok");
	gp_fstab_done(&t);
}

static void empty_is_an_empty_table(void **state)
{
	struct gp_fstab t;

	load("", &t);
	assert_non_null(t.table);
	assert_int_equal(t.n_entries, 0);
	assert_int_equal(t.n_bad, 0);
	gp_fstab_done(&t);
}

/* Binary junk: some lines rejected, nothing read outside the text. */
static void junk_no_crash(void **state)
{
	static const char junk[] =
		"\x7f" "ELF\x02\x01\x01\0\0\0 /dev/sda1\n"
		"/dev/sdb1\n"
		"\"quoted /x ext4\n"
		"/dev/sdc1 /ok ext4 defaults,nofail 0 0\n"
		"\\040\\011 \\ \\\\ x y z\n\0\0";
	struct gp_fstab t;

	assert_int_equal(load_bytes(junk, sizeof(junk) - 1, &t), 0);
	assert_true(t.n_bad > 0);
	for (size_t i = 0; i < t.n_entries; i++)
		assert_true(t.entries[i].line <= 6);
	assert_non_null(mnt_table_find_target(t.table, "/ok",
					      MNT_ITER_FORWARD));
	gp_fstab_done(&t);
}

/* No fstab, or not a file: the reading errors, nothing to free. */
static void not_a_file(void **state)
{
	char *tree = tree_kept(tree_new());
	struct gp_fstab t = { 0 };
	struct gp_root *root;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_fstab_load(root, &t), -ENOENT);
	tree_mkdir(tree, "etc/fstab");
	assert_int_equal(gp_fstab_load(root, &t), -EISDIR);
	tree_remove(tree, "etc/fstab");
	tree_mkfifo(tree, "etc/fstab");
	alarm(20);
	assert_true(gp_fstab_load(root, &t) < 0);
	alarm(0);
	assert_null(t.table);
	assert_null(t.text);
	gp_root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(entries_numbered),
		TEST(bad_lines_listed),
		TEST(empty_is_an_empty_table),
		TEST(junk_no_crash),
		TEST(not_a_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
