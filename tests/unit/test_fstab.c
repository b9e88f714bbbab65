/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fstab plugin: device names virtio changes, devices that are not
 * there, data mounts without nofail, and the fixer that names devices by
 * UUID=.
 *
 * Installed systems are static fixtures (tests/fixtures/fstab/...); the
 * broken ones are built at run time.  libblkid is replaced by the
 * __wrap_ functions below (-Wl,--wrap in Makefile.am), so a "live"
 * system resolves a fixed set of devices whatever machine runs the test.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <blkid.h>

#include "harness.h"
#include "util.h"

#define FSTAB "etc/fstab"

/* --- the devices of the pretend live system ---------------------------- */

static const char *const devices[][2] = {
	{ "/dev/sda1", "0a1b2c3d-0000-4000-8000-000000000001" },
	{ "/dev/sda2", "0a1b2c3d-0000-4000-8000-000000000002" },
	{ "/dev/sdb1", "0a1b2c3d-0000-4000-8000-000000000003" },
	{ "/dev/xvdb1", "0a1b2c3d-0000-4000-8000-000000000004" },
	{ "/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part1",
	  "0a1b2c3d-0000-4000-8000-000000000005" },
};

char *__wrap_blkid_get_tag_value(blkid_cache cache, const char *tagname,
				 const char *devname);
char *__wrap_blkid_get_tag_value(blkid_cache cache, const char *tagname,
				 const char *devname)
{
	(void)cache;
	if (strcmp(tagname, "UUID") != 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (strcmp(devices[i][0], devname) == 0)
			return strdup(devices[i][1]);
	return NULL;
}

char *__wrap_blkid_evaluate_tag(const char *token, const char *value,
				blkid_cache *cache);
char *__wrap_blkid_evaluate_tag(const char *token, const char *value,
				blkid_cache *cache)
{
	(void)cache;
	if (!value || strcmp(token, "UUID") != 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (strcmp(devices[i][1], value) == 0)
			return strdup(devices[i][0]);
	return NULL;
}

/* --- helpers ----------------------------------------------------------- */

/* An Ubuntu 18.04 tree whose /etc/fstab is @content (NULL: none). */
static char *ubuntu_tree(const char *content)
{
	char *tree = tree_kept(tree_new());

	tree_write(tree, "etc/os-release",
		   "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n"
		   "VERSION_ID=\"18.04\"\n");
	if (content)
		tree_write(tree, FSTAB, content);
	return tree;
}

/* Run @only on @tree as if it were the running system. */
static struct harness *run_live(const char *tree, const char *only,
				bool plan)
{
	const struct harness_opts opts = { .live = true, .plan = plan };

	return harness_run_opts(tree, only, &opts);
}

static void expect_tree(const char *tree, const char *id,
			enum gp_status status)
{
	struct harness *h = harness_run(tree, "fstab", NULL);

	harness_expect(h, id, status);
	harness_free(h);
}

static void expect_fixture(const char *fixture, const char *id,
			   enum gp_status status)
{
	struct harness *h = harness_fixture(fixture, "fstab");

	harness_expect(h, id, status);
	harness_free(h);
}

/* --- stable fstabs ------------------------------------------------------ */

static void centos7_uuid_passes(void **state)
{
	expect_fixture("fstab/centos7-uuid", "fstab.device_names", GP_PASS);
	expect_fixture("fstab/centos7-uuid", "fstab.nofail", GP_PASS);
	expect_fixture("fstab/centos7-uuid", "fstab.devices_exist", GP_SKIP);
}

static void centos6_label_passes(void **state)
{
	expect_fixture("fstab/centos6-label", "fstab.device_names", GP_PASS);
	expect_fixture("fstab/centos6-label", "fstab.nofail", GP_PASS);
}

/* Stock CentOS 7 on LVM: /home is on the system disk. */
static void centos7_lvm_passes(void **state)
{
	expect_fixture("fstab/centos7-lvm", "fstab.device_names", GP_PASS);
	expect_fixture("fstab/centos7-lvm", "fstab.nofail", GP_PASS);
}

/* --- fstab.device_names ------------------------------------------------ */

static void ubuntu_sda_fails(void **state)
{
	struct harness *h = harness_fixture("fstab/ubuntu1804-sd", "fstab");
	const struct gp_finding *f;

	harness_expect(h, "fstab.device_names", GP_FAIL);
	harness_expect_evidence(h, "fstab.device_names",
				"/etc/fstab:9: /dev/sda1 /");
	f = harness_find(h, "fstab.device_names");
	assert_int_equal(f->n_evidence, 1);	/* not the swap file */
	assert_false(f->fixable);		/* offline */
	assert_non_null(f->remediation);
	harness_free(h);
}

static void each_unstable_name_fails(void **state)
{
	static const char *const lines[] = {
		"/dev/sdb1 /data ext4 defaults,nofail 0 2\n",
		"/dev/hda1 / ext3 defaults 1 1\n",
		"/dev/xvda1 / ext4 defaults 1 1\n",
		"/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part1 / ext4 "
		"defaults 0 1\n",
		"/dev/disk/by-path/pci-0000:00:01.1-ata-1-part1 / xfs "
		"defaults 0 0\n",
		"/dev/sda2 none swap sw 0 0\n",
		"/dev/nvme0n1p1 / ext4 defaults 0 1\n",
		"/dev/cciss/c0d0p1 / ext3 defaults 1 1\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		char *text = strprintf("# test\n\n%s", lines[i]);
		char *tree = ubuntu_tree(text);
		struct harness *h = harness_run(tree, "fstab", NULL);

		harness_expect(h, "fstab.device_names", GP_FAIL);
		harness_expect_evidence(h, "fstab.device_names",
					"/etc/fstab:3: /dev/");
		harness_free(h);
		free(text);
	}
}

static void stable_names_pass(void **state)
{
	char *tree = ubuntu_tree(
		"/dev/vda1 / ext4 defaults 0 1\n"
		"/dev/md0 /srv ext4 defaults,nofail 0 2\n"
		"/dev/disk/by-uuid/0a1b2c3d-0000-4000-8000-000000000001 /a "
		"ext4 nofail 0 2\n"
		"/dev/disk/by-label/data /b ext4 nofail 0 2\n"
		"PARTUUID=5d1f0e2a-01 /c ext4 nofail 0 2\n"
		"PARTLABEL=data /d ext4 nofail 0 2\n");

	expect_tree(tree, "fstab.device_names", GP_PASS);
	expect_tree(tree, "fstab.nofail", GP_PASS);
}

/* NFS, CIFS, tmpfs, bind mounts and swap files are not disks. */
static void non_disks_ignored(void **state)
{
	char *tree = ubuntu_tree(
		"UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 defaults 0 1\n"
		"nas:/export/home /mnt/home nfs defaults 0 0\n"
		"//fileserver/share /mnt/share cifs credentials=/root/c 0 0\n"
		"tmpfs /tmp tmpfs defaults,size=1g 0 0\n"
		"none /dev/shm tmpfs defaults 0 0\n"
		"proc /proc proc defaults 0 0\n"
		"/dev/sdz9 /srv/chroot/dev none bind 0 0\n"
		"/swapfile none swap sw 0 0\n");

	expect_tree(tree, "fstab.device_names", GP_PASS);
	expect_tree(tree, "fstab.nofail", GP_PASS);
}

/* --- fstab.nofail ------------------------------------------------------- */

static void data_disk_without_nofail_warns(void **state)
{
	char *tree = ubuntu_tree(
		"UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 defaults 0 1\n"
		"# data\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000003 /data xfs "
		"defaults 0 2\n"
		"LABEL=backup /backup ext4 noauto 0 2\n");
	struct harness *h = harness_run(tree, "fstab", NULL);

	harness_expect(h, "fstab.nofail", GP_WARN);
	harness_expect_evidence(h, "fstab.nofail", "/etc/fstab:3: UUID=");
	assert_int_equal(harness_find(h, "fstab.nofail")->n_evidence, 1);
	harness_free(h);
}

static void data_disk_with_nofail_passes(void **state)
{
	char *tree = ubuntu_tree(
		"UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 defaults 0 1\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000003 /data xfs "
		"defaults,nofail 0 2\n");

	expect_tree(tree, "fstab.nofail", GP_PASS);
}

/* --- fstab.devices_exist ------------------------------------------------ */

static void devices_exist_live(void **state)
{
	char *tree = ubuntu_tree(
		"UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 defaults 0 1\n");
	struct harness *h = run_live(tree, "fstab.devices_exist", false);

	harness_expect(h, "fstab.devices_exist", GP_PASS);
	harness_free(h);
}

static void device_missing_live_fails(void **state)
{
	char *tree = ubuntu_tree(
		"UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 defaults 0 1\n"
		"\n"
		"UUID=ffffffff-0000-4000-8000-00000000dead /data ext4 "
		"defaults,nofail 0 2\n");
	struct harness *h = run_live(tree, "fstab.devices_exist", false);

	harness_expect(h, "fstab.devices_exist", GP_FAIL);
	harness_expect_evidence(h, "fstab.devices_exist",
				"/etc/fstab:3: UUID=ffffffff");
	harness_free(h);
}

/* --- missing and broken files ------------------------------------------- */

static void missing_fstab_skips(void **state)
{
	char *tree = ubuntu_tree(NULL);
	struct harness *h = harness_run(tree, "fstab", NULL);

	harness_expect(h, "fstab.device_names", GP_SKIP);
	harness_expect(h, "fstab.nofail", GP_SKIP);
	harness_expect(h, "fstab.devices_exist", GP_SKIP);
	harness_free(h);
	h = run_live(tree, "fstab", false);
	harness_expect(h, "fstab.devices_exist", GP_SKIP);
	harness_free(h);
}

static void garbled_fstab_no_crash(void **state)
{
	static const char garbage[] =
		"\x7f" "ELF\x02\x01\x01\0\0\0 /dev/sda1\n"
		"/dev/sdb1\n"
		"   \t  \n"
		"only-two fields\n"
		"\"quoted /x ext4\n"
		"/dev/sdc1 /ok ext4 defaults,nofail 0 0\n"
		"\\040\\011 \\ \\\\ x y z\n";
	char *tree = ubuntu_tree(NULL);
	char *path = tree_file(tree, FSTAB);
	FILE *f = fopen(path, "we");
	struct harness *h;

	assert_non_null(f);
	assert_int_equal(fwrite(garbage, 1, sizeof(garbage) - 1, f),
			 sizeof(garbage) - 1);
	assert_int_equal(fclose(f), 0);
	free(path);
	h = harness_run(tree, "fstab", NULL);
	harness_expect_evidence(h, "fstab.device_names",
				"/etc/fstab:6: /dev/sdc1 /ok");
	assert_non_null(harness_find(h, "fstab.nofail"));
	harness_free(h);
	h = run_live(tree, "fstab", true);
	assert_non_null(harness_find(h, "fstab.device_names"));
	harness_free(h);

	expect_tree(ubuntu_tree(""), "fstab.device_names", GP_PASS);
}

/* --- the fixer ---------------------------------------------------------- */

static void fix_rewrites_first_fields(void **state)
{
	char *tree = ubuntu_tree(
		"# /etc/fstab: static file system information.\n"
		"\n"
		"/dev/sda1\t/               ext4    errors=remount-ro 0       1\n"
		"  /dev/sdb1   /data  xfs defaults,nofail  0 2   # data\n"
		"# /dev/sdc1 /old ext4 defaults 0 0\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000009 /boot ext4 "
		"defaults 0 2\n"
		"/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part1 /srv ext4 "
		"nofail 0 2\n"
		"/dev/sda2 none swap sw 0 0\n"
		"/dev/mapper/vg-lv /var xfs defaults 0 0\n"
		"/dev/xvdb1 /mnt/x ext4 nofail 0 0");	/* no final newline */
	static const char expected[] =
		"# /etc/fstab: static file system information.\n"
		"\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000001\t/               "
		"ext4    errors=remount-ro 0       1\n"
		"  UUID=0a1b2c3d-0000-4000-8000-000000000003   /data  xfs "
		"defaults,nofail  0 2   # data\n"
		"# /dev/sdc1 /old ext4 defaults 0 0\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000009 /boot ext4 "
		"defaults 0 2\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000005 /srv ext4 "
		"nofail 0 2\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000002 none swap sw 0 0\n"
		"/dev/mapper/vg-lv /var xfs defaults 0 0\n"
		"UUID=0a1b2c3d-0000-4000-8000-000000000004 /mnt/x ext4 "
		"nofail 0 0";
	struct harness *h = run_live(tree, "fstab.device_names", true);
	const struct gp_change *c = harness_planned(h, "/etc/fstab");

	harness_expect(h, "fstab.device_names", GP_FAIL);
	assert_true(harness_find(h, "fstab.device_names")->fixable);
	assert_non_null(c);
	assert_int_equal(c->len, strlen(expected));
	assert_memory_equal(c->data, expected, c->len);
	harness_free(h);
}

/*
 * Through the journal: fstab names devices by UUID, the check passes,
 * nothing is left to plan; undo puts the file back byte for byte.
 */
static void fix_apply_recheck_undo(void **state)
{
	const struct harness_opts live = { .live = true };
	char *tree = ubuntu_tree("/dev/sda1 / ext4 errors=remount-ro 0 1\n"
				 "/dev/sdb1 /data xfs defaults,nofail 0 2\n");
	struct harness *h = run_live(tree, "fstab.device_names", true);

	harness_expect(h, "fstab.device_names", GP_FAIL);
	harness_round_trip(h, "fstab.device_names", &live,
			   "fstab.device_names", harness_no_commands);
}

static void not_fixable_offline(void **state)
{
	char *tree = ubuntu_tree("/dev/sda1 / ext4 defaults 0 1\n");
	struct harness *h = harness_plan(tree, "fstab.device_names", NULL);

	harness_expect(h, "fstab.device_names", GP_FAIL);
	assert_false(harness_find(h, "fstab.device_names")->fixable);
	assert_null(harness_planned(h, "/etc/fstab"));
	harness_free(h);
}

/* A device without a UUID: nothing is half-fixed. */
static void not_fixable_unresolved(void **state)
{
	char *tree = ubuntu_tree("/dev/sda1 / ext4 defaults 0 1\n"
				 "/dev/sdq1 /q ext4 nofail 0 2\n");
	struct harness *h = run_live(tree, "fstab.device_names", true);

	harness_expect(h, "fstab.device_names", GP_FAIL);
	assert_false(harness_find(h, "fstab.device_names")->fixable);
	assert_null(harness_planned(h, "/etc/fstab"));
	harness_free(h);
}

static void nothing_planned_when_stable(void **state)
{
	char *tree = tree_kept(tree_copy("fstab/centos7-uuid"));
	struct harness *h = run_live(tree, "fstab", true);

	harness_expect(h, "fstab.device_names", GP_PASS);
	assert_null(harness_planned(h, "/etc/fstab"));
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(centos7_uuid_passes),
		cmocka_unit_test(centos6_label_passes),
		cmocka_unit_test(centos7_lvm_passes),
		cmocka_unit_test(ubuntu_sda_fails),
		cmocka_unit_test_teardown(each_unstable_name_fails,
					  tree_teardown),
		cmocka_unit_test_teardown(stable_names_pass, tree_teardown),
		cmocka_unit_test_teardown(non_disks_ignored, tree_teardown),
		cmocka_unit_test_teardown(data_disk_without_nofail_warns,
					  tree_teardown),
		cmocka_unit_test_teardown(data_disk_with_nofail_passes,
					  tree_teardown),
		cmocka_unit_test_teardown(devices_exist_live, tree_teardown),
		cmocka_unit_test_teardown(device_missing_live_fails,
					  tree_teardown),
		cmocka_unit_test_teardown(missing_fstab_skips, tree_teardown),
		cmocka_unit_test_teardown(garbled_fstab_no_crash,
					  tree_teardown),
		cmocka_unit_test_teardown(fix_rewrites_first_fields,
					  tree_teardown),
		cmocka_unit_test_teardown(fix_apply_recheck_undo,
					  tree_teardown),
		cmocka_unit_test_teardown(not_fixable_offline, tree_teardown),
		cmocka_unit_test_teardown(not_fixable_unresolved,
					  tree_teardown),
		cmocka_unit_test_teardown(nothing_planned_when_stable,
					  tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
