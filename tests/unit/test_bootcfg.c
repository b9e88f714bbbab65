/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where grub keeps its configuration: the candidates, in order. */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "guestprep/bootcfg.h"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

struct expect {
	const char *path;
	bool legacy, efi;
};

static void expect_configs(const char *tree, const struct expect *want,
			   size_t n)
{
	struct gp_grub_config *c = NULL;
	struct gp_root *root;
	size_t i;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_grub_configs(root, &c), 0);
	for (i = 0; c[i].path; i++) {
		assert_true(i < n);
		assert_string_equal(c[i].path, want[i].path);
		assert_int_equal(c[i].legacy, want[i].legacy);
		assert_int_equal(c[i].efi, want[i].efi);
	}
	assert_int_equal(i, n);
	gp_grub_configs_free(c);
	gp_root_free(root);
}

static void bios_only(void **state)
{
	static const struct expect want[] = {
		{ "/boot/grub2/grub.cfg", false, false },
		{ "/boot/grub/grub.cfg", false, false },
		{ "/boot/grub/menu.lst", true, false },
		{ "/boot/grub/grub.conf", true, false },
	};
	char *tree = tree_kept(tree_new());

	expect_configs(tree, want, ARRAY_SIZE(want));
	/* An EFI "directory" that is a file adds nothing either. */
	tree_write(tree, "boot/efi/EFI", "not a directory\n");
	expect_configs(tree, want, ARRAY_SIZE(want));
}

/* Vendors in name order after grub2's BIOS places, hidden ones not. */
static void efi_vendors_sorted(void **state)
{
	static const struct expect want[] = {
		{ "/boot/grub2/grub.cfg", false, false },
		{ "/boot/grub/grub.cfg", false, false },
		{ "/boot/efi/EFI/BOOT/grub.cfg", false, true },
		{ "/boot/efi/EFI/centos/grub.cfg", false, true },
		{ "/boot/efi/EFI/ubuntu/grub.cfg", false, true },
		{ "/boot/grub/menu.lst", true, false },
		{ "/boot/grub/grub.conf", true, false },
	};
	char *tree = tree_kept(tree_new());

	tree_write(tree, "boot/efi/EFI/ubuntu/shimx64.efi", "MZ");
	tree_write(tree, "boot/efi/EFI/centos/grub.cfg", "set default=0\n");
	tree_mkdir(tree, "boot/efi/EFI/BOOT");
	tree_mkdir(tree, "boot/efi/EFI/.Trash-0");
	expect_configs(tree, want, ARRAY_SIZE(want));
}

/* The fixed table other modules test for existence. */
static void bios_table(void **state)
{
	size_t n = 0;

	while (gp_grub_bios_configs[n])
		n++;
	assert_int_equal(n, 4);
	assert_string_equal(gp_grub_bios_configs[0], "/boot/grub2/grub.cfg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(bios_only),
		TEST(efi_vendors_sorted),
		cmocka_unit_test(bios_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
