/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths already looked at, by what they resolve to. */
#include "config.h"

#include "harness.h"
#include "guestprep/seen.h"
#include "guestprep/strv.h"

static void links_counted_once(void **state)
{
	char *tree = tree_kept(tree_new());
	_cleanup_(strv_freep) char **seen = NULL;
	struct gp_root *root;

	tree_mkdir(tree, "usr/lib/systemd/system");
	tree_symlink(tree, "lib", "usr/lib");
	tree_mkdir(tree, "etc/rc.d/init.d");
	tree_symlink(tree, "etc/init.d", "rc.d/init.d");
	tree_symlink(tree, "etc/loop", "loop");
	assert_int_equal(gp_root_new(tree, &root), 0);

	assert_int_equal(gp_seen_first(root, &seen, "/usr/lib/systemd/system"),
			 1);
	assert_int_equal(gp_seen_first(root, &seen, "/lib/systemd/system"), 0);
	assert_int_equal(gp_seen_first(root, &seen, "/lib/systemd/../systemd/"
						    "system"), 0);
	assert_int_equal(gp_seen_first(root, &seen, "/etc/init.d"), 1);
	assert_int_equal(gp_seen_first(root, &seen, "/etc/rc.d/init.d"), 0);
	/* Missing or looping: the path itself, once. */
	assert_int_equal(gp_seen_first(root, &seen, "/etc/rc3.d"), 1);
	assert_int_equal(gp_seen_first(root, &seen, "/etc/rc3.d"), 0);
	assert_int_equal(gp_seen_first(root, &seen, "/etc/loop"), 1);
	assert_int_equal(gp_seen_first(root, &seen, "/etc/loop"), 0);
	assert_int_equal(strv_length(seen), 4);
	assert_string_equal(seen[0], "/usr/lib/systemd/system");
	assert_string_equal(seen[1], "/etc/rc.d/init.d");
	gp_root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(links_counted_once, tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
