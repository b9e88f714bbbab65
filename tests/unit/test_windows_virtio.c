/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The windows_virtio plugin: the viostor / vioscsi service at boot start
 * with its driver file, and netkvm, on the trees of tests/unit/wintree.c
 * (virtio-win installed as its INFs install it), then broken.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "harness.h"
#include "hive.h"
#include "util.h"
#include "wintree.h"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

#define VIOSTOR "Services\\viostor"
#define SYSTEM_HIVE "/Windows/System32/config/SYSTEM"

static void expect(const char *tree, const char *id, enum gp_status status)
{
	struct harness *h = harness_run(tree, id, NULL);

	harness_expect(h, id, status);
	harness_free(h);
}

static void remove_driver(const char *tree, const char *name)
{
	char *file = wintree_driver(tree, name);

	assert_int_equal(unlink(file), 0);
	free(file);
}

static void ready_releases_pass(void **state)
{
	for (enum win_release r = WIN_2003_SP1; r <= WIN_2025; r++) {
		char *tree = wintree_new(r);
		struct harness *h = harness_run(tree, "windows_virtio", NULL);

		print_message("%s\n", wintree_name(r));
		harness_expect(h, "windows_virtio.storage", GP_PASS);
		harness_expect(h, "windows_virtio.network", GP_PASS);
		harness_expect(h, "windows_virtio.boot_device",
			       r < WIN_2012 ? GP_PASS : GP_SKIP);
		harness_free(h);
	}
}

/* 2003: "system32\DRIVERS\viostor.sys" is WINDOWS/system32/drivers. */
static void driver_found_whatever_the_case(void **state)
{
	char *tree = wintree_new(WIN_2003_R2_SP2);
	struct harness *h = harness_run(tree, "windows_virtio.storage", NULL);

	harness_expect(h, "windows_virtio.storage", GP_PASS);
	harness_expect_evidence(h, "windows_virtio.storage",
				"driver file: /WINDOWS/system32/drivers/"
				"viostor.sys");
	harness_free(h);
}

static void image_path_forms(void **state)
{
	static const char *const found[] = {
		"\\SystemRoot\\System32\\drivers\\viostor.sys",
		"%SystemRoot%\\system32\\DRIVERS\\VIOSTOR.SYS",
		"System32\\drivers\\viostor.sys",
		"C:\\Windows\\System32\\drivers\\viostor.sys",
		"\\??\\C:\\WINDOWS\\system32\\drivers\\viostor.sys",
		"",	/* empty: the default, System32\drivers\NAME.sys */
	};
	static const char *const missing[] = {
		"System32\\drivers\\viostor2.sys",
		"..\\..\\Windows\\System32\\drivers\\viostor.sys",
		"C:\\",
		"\\",
	};

	for (size_t i = 0; i < ARRAY_SIZE(found) + ARRAY_SIZE(missing); i++) {
		bool ok = i < ARRAY_SIZE(found);
		const char *image =
			ok ? found[i] : missing[i - ARRAY_SIZE(found)];
		char *tree = wintree_new(WIN_2012_R2);
		char *system = wintree_system(tree);

		print_message("%s\n", image);
		hive_set_expand(system, WT_CCS "\\" VIOSTOR, "ImagePath",
				image);
		expect(tree, "windows_virtio.storage", ok ? GP_PASS : GP_FAIL);
		free(system);
	}
}

/* The service's Start as Windows names it: 3 is demand start. */
static void demand_start_fails_fixable(void **state)
{
	char *tree = wintree_new(WIN_2016);
	struct harness *h;

	wintree_system_dword(tree, VIOSTOR, "Start", 3);
	h = harness_run(tree, "windows_virtio.storage", NULL);
	harness_expect(h, "windows_virtio.storage", GP_FAIL);
	assert_true(harness_fixable(h, "windows_virtio.storage"));
	harness_expect_evidence(h, "windows_virtio.storage",
				"Start = 3 (manual)");
	harness_free(h);
}

static void fix_boot_start(void **state)
{
	char *tree = wintree_new(WIN_2008_R2);
	char *before;
	struct harness *h;

	wintree_system_dword(tree, VIOSTOR, "Start", 3);
	before = tree_snapshot(tree);
	h = harness_plan(tree, "windows_virtio", NULL);
	assert_non_null(harness_planned(h, SYSTEM_HIVE));
	assert_int_equal(h->plan.n_changes, 1);
	harness_apply(h, harness_no_commands);
	harness_free(h);

	h = harness_plan(tree, "windows_virtio", NULL);
	harness_expect(h, "windows_virtio.storage", GP_PASS);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	tree_expect_same(tree, before, 0);
	tree_free(before);
	expect(tree, "windows_virtio.storage", GP_FAIL);
}

/* Without the file, boot start would make Windows fail to boot. */
static void demand_start_without_file_not_fixable(void **state)
{
	char *tree = wintree_new(WIN_2016);
	struct harness *h;

	wintree_system_dword(tree, VIOSTOR, "Start", 3);
	remove_driver(tree, "viostor");
	h = harness_plan(tree, "windows_virtio.storage", NULL);
	harness_expect(h, "windows_virtio.storage", GP_FAIL);
	assert_false(harness_fixable(h, "windows_virtio.storage"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

static void boot_start_without_file_fails(void **state)
{
	char *tree = wintree_new(WIN_2019);
	struct harness *h;

	remove_driver(tree, "viostor");
	h = harness_run(tree, "windows_virtio.storage", NULL);
	harness_expect(h, "windows_virtio.storage", GP_FAIL);
	assert_false(harness_fixable(h, "windows_virtio.storage"));
	harness_expect_evidence(h, "windows_virtio.storage", "is missing");
	harness_free(h);
}

/* A directory, or a link out of the root, is not the driver. */
static void driver_file_not_a_file(void **state)
{
	char *tree = wintree_new(WIN_2019);
	char *file = wintree_driver(tree, "viostor");

	assert_int_equal(unlink(file), 0);
	assert_int_equal(mkdir(file, 0755), 0);
	expect(tree, "windows_virtio.storage", GP_FAIL);
	assert_int_equal(rmdir(file), 0);
	assert_int_equal(symlink("/etc/passwd", file), 0);
	expect(tree, "windows_virtio.storage", GP_FAIL);
	free(file);
}

static void viostor_missing_fails(void **state)
{
	char *tree = wintree_new_opts(WIN_2012, WT_NO_VIOSTOR);
	struct harness *h = harness_plan(tree, "windows_virtio.storage", NULL);

	harness_expect(h, "windows_virtio.storage", GP_FAIL);
	assert_false(harness_fixable(h, "windows_virtio.storage"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* virtio-scsi instead of virtio-blk: as good. */
static void vioscsi_boot_start_passes(void **state)
{
	char *tree = wintree_new_opts(WIN_2016, WT_NO_VIOSTOR);
	char *system = wintree_system(tree);
	char *file = wintree_driver(tree, "vioscsi");

	hive_set_dword(system, WT_CCS "\\Services\\vioscsi", "Start", 0);
	hive_set_expand(system, WT_CCS "\\Services\\vioscsi", "ImagePath",
			"\\SystemRoot\\System32\\drivers\\vioscsi.sys");
	tree_write(tree, file + strlen(tree) + 1, "MZ");
	expect(tree, "windows_virtio.storage", GP_PASS);
	free(file);
	free(system);
}

/* One boot driver is enough; the other needs no change. */
static void one_boot_driver_is_enough(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);
	struct harness *h;

	hive_set_dword(system, WT_CCS "\\Services\\vioscsi", "Start", 3);
	h = harness_plan(tree, "windows_virtio.storage", NULL);
	harness_expect(h, "windows_virtio.storage", GP_PASS);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
	free(system);
}

static void start_of_wrong_type_fails(void **state)
{
	char *tree = wintree_new(WIN_2016);

	wintree_system_string(tree, VIOSTOR, "Start", "0");
	expect(tree, "windows_virtio.storage", GP_FAIL);
}

static void storage_profile_severity(void **state)
{
	static const char *const set[] = {
		"windows_virtio.storage=warn", NULL
	};
	char *tree = wintree_new_opts(WIN_2012, WT_NO_VIOSTOR);
	struct harness *h = harness_run(tree, "windows_virtio.storage", set);

	harness_expect(h, "windows_virtio.storage", GP_WARN);
	harness_free(h);
}

/* --- boot_device ------------------------------------------------------ */

#define CDD_KEY WT_CCS "\\Control\\CriticalDeviceDatabase"

static void boot_device_missing_warns(void **state)
{
	static const enum win_release old[] = {
		WIN_2003_SP1, WIN_2008, WIN_2008_R2,
	};

	for (size_t i = 0; i < ARRAY_SIZE(old); i++) {
		char *tree = wintree_new_opts(old[i], WT_NO_CDD);
		struct harness *h = harness_run(tree, "windows_virtio", NULL);

		print_message("%s\n", wintree_name(old[i]));
		harness_expect(h, "windows_virtio.boot_device", GP_WARN);
		harness_expect(h, "windows_virtio.storage", GP_PASS);
		harness_free(h);
	}
}

/* Other devices' entries, or one for another driver, do not count. */
static void boot_device_other_entries(void **state)
{
	char *tree = wintree_new_opts(WIN_2008_R2, WT_NO_CDD);
	char *system = wintree_system(tree);

	hive_set_string(system, CDD_KEY "\\pci#ven_8086&dev_2922", "Service",
			"msahci");
	hive_set_string(system,
			CDD_KEY "\\pci#ven_1af4&dev_1000&subsys_00011af4",
			"Service", "netkvm");
	hive_set_string(system,
			CDD_KEY "\\pci#ven_1af4&dev_1001&subsys_00021af4",
			"Service", "atapi");
	hive_add_key(system, CDD_KEY "\\pci#ven_1af4&dev_1042");
	expect(tree, "windows_virtio.boot_device", GP_WARN);
	/* The modern virtio-scsi id, any case. */
	hive_set_string(system,
			CDD_KEY "\\PCI#VEN_1AF4&DEV_1048&SUBSYS_11001AF4",
			"Service", "VIOSCSI");
	expect(tree, "windows_virtio.boot_device", GP_PASS);
	free(system);
}

static void boot_device_profile_severity(void **state)
{
	static const char *const set[] = { "windows_virtio.boot_device=fail",
					   NULL };
	char *tree = wintree_new_opts(WIN_2008, WT_NO_CDD);
	struct harness *h =
		harness_run(tree, "windows_virtio.boot_device", set);

	harness_expect(h, "windows_virtio.boot_device", GP_FAIL);
	harness_free(h);
}

/* 2012 and later: not needed, whatever the database holds. */
static void boot_device_skipped_from_2012(void **state)
{
	expect(wintree_new_opts(WIN_2012, WT_NO_CDD),
	       "windows_virtio.boot_device", GP_SKIP);
	expect(wintree_new_opts(WIN_2019, WT_NO_CDD),
	       "windows_virtio.boot_device", GP_SKIP);
}

/* --- network --------------------------------------------------------- */

static void netkvm_missing_warns(void **state)
{
	char *tree = wintree_new_opts(WIN_2019, WT_NO_NETKVM);

	expect(tree, "windows_virtio.network", GP_WARN);
}

static void netkvm_file_missing_warns(void **state)
{
	char *tree = wintree_new(WIN_2019);

	remove_driver(tree, "netkvm");
	expect(tree, "windows_virtio.network", GP_WARN);
}

static void network_profile_severity(void **state)
{
	static const char *const set[] = {
		"windows_virtio.network=fail", NULL
	};
	char *tree = wintree_new_opts(WIN_2019, WT_NO_NETKVM);
	struct harness *h = harness_run(tree, "windows_virtio.network", set);

	harness_expect(h, "windows_virtio.network", GP_FAIL);
	harness_free(h);
}

/* --- damaged hives ---------------------------------------------------- */

static void damaged_system_hive_is_an_error(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);
	FILE *f = fopen(system, "r+e");
	struct harness *h;

	/* Clobber the first bin: the base block still says "regf". */
	assert_non_null(f);
	assert_int_equal(fseek(f, 4096, SEEK_SET), 0);
	for (int i = 0; i < 8192; i++)
		fputc(0xa5, f);
	assert_int_equal(fclose(f), 0);
	h = harness_plan(tree, "windows_virtio", NULL);
	harness_expect(h, "windows_virtio.storage", GP_ERROR);
	harness_expect(h, "windows_virtio.boot_device", GP_ERROR);
	harness_expect(h, "windows_virtio.network", GP_ERROR);
	harness_free(h);
	free(system);
}

static void missing_system_hive_is_an_error(void **state)
{
	char *tree = wintree_new(WIN_2012_R2);
	char *system = wintree_system(tree);
	struct harness *h;

	assert_int_equal(unlink(system), 0);
	h = harness_run(tree, "windows_virtio", NULL);
	harness_expect(h, "windows_virtio.storage", GP_ERROR);
	harness_expect(h, "windows_virtio.boot_device", GP_ERROR);
	harness_expect(h, "windows_virtio.network", GP_ERROR);
	harness_free(h);
	free(system);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(ready_releases_pass),
		TEST(driver_found_whatever_the_case),
		TEST(image_path_forms),
		TEST(demand_start_fails_fixable),
		TEST(fix_boot_start),
		TEST(demand_start_without_file_not_fixable),
		TEST(boot_start_without_file_fails),
		TEST(driver_file_not_a_file),
		TEST(viostor_missing_fails),
		TEST(vioscsi_boot_start_passes),
		TEST(one_boot_driver_is_enough),
		TEST(start_of_wrong_type_fails),
		TEST(storage_profile_severity),
		TEST(boot_device_missing_warns),
		TEST(boot_device_other_entries),
		TEST(boot_device_profile_severity),
		TEST(boot_device_skipped_from_2012),
		TEST(netkvm_missing_warns),
		TEST(netkvm_file_missing_warns),
		TEST(network_profile_severity),
		TEST(damaged_system_hive_is_an_error),
		TEST(missing_system_hive_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
