/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The storage plugin's view of a running system: the device of / in
 * /proc/self/mountinfo, walked down through sysfs (partitions, LVM,
 * LUKS, md RAID) to the disks and their sizes.  Each test builds the
 * /proc and /sys a kernel would show, in a tree, and the program is
 * linked with -Wl,--wrap=gp_root_is_live so the tree counts as live.
 * The disks are named sdq and sdr, which no test machine has, so the
 * probe of /dev/sdq fails as it does for a disk that cannot be opened.
 *
 * Partition tables and superblocks of real images are tested in
 * tests/integration/storage.sh; the offline, fstab-only checks here.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "harness.h"

bool __wrap_gp_root_is_live(const struct gp_root *root);
bool __real_gp_root_is_live(const struct gp_root *root);

static bool pretend_live;

bool __wrap_gp_root_is_live(const struct gp_root *root)
{
	return pretend_live || __real_gp_root_is_live(root);
}

#define GIB_SECTORS(n) ((unsigned long long)(n)*2097152ull)
#define PCI                                                                    \
	"sys/devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block"

static char *centos7_tree(void)
{
	char *tree = tree_kept(tree_new());

	tree_write(tree, "etc/os-release",
		   "NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"7\"\n");
	tree_write(tree, "etc/fstab",
		   "/dev/mapper/centos-root / xfs defaults 0 0\n");
	return tree;
}

/* A device directory @dir with its dev file and the two links to it. */
static void device(const char *tree, const char *dir, const char *name,
		   const char *majmin)
{
	char path[512], target[512];

	snprintf(path, sizeof(path), "%s/dev", dir);
	snprintf(target, sizeof(target), "%s\n", majmin);
	tree_write(tree, path, target);
	snprintf(path, sizeof(path), "sys/dev/block/%s", majmin);
	snprintf(target, sizeof(target), "../../../%s", dir);
	tree_symlink(tree, path, target);
	snprintf(path, sizeof(path), "sys/class/block/%s", name);
	tree_symlink(tree, path, target);
}

static void disk(const char *tree, const char *name, const char *majmin,
		 unsigned long long sectors)
{
	char dir[256], path[512], size[32];

	snprintf(dir, sizeof(dir), PCI "/%s", name);
	device(tree, dir, name, majmin);
	snprintf(path, sizeof(path), "%s/size", dir);
	snprintf(size, sizeof(size), "%llu\n", sectors);
	tree_write(tree, path, size);
}

static void partition(const char *tree, const char *disk_name, const char *name,
		      const char *majmin, unsigned partno)
{
	char dir[256], path[512], num[16];

	snprintf(dir, sizeof(dir), PCI "/%s/%s", disk_name, name);
	device(tree, dir, name, majmin);
	snprintf(path, sizeof(path), "%s/partition", dir);
	snprintf(num, sizeof(num), "%u\n", partno);
	tree_write(tree, path, num);
}

/* A stacked device: dm-N with @attr (dm/uuid or md/level) over @slaves. */
static void stacked(const char *tree, const char *name, const char *majmin,
		    const char *attr, const char *value,
		    const char *const *slaves)
{
	char dir[256], path[512];

	snprintf(dir, sizeof(dir), "sys/devices/virtual/block/%s", name);
	device(tree, dir, name, majmin);
	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	tree_write(tree, path, value);
	for (size_t i = 0; slaves[i]; i++) {
		snprintf(path, sizeof(path), "%s/slaves/%s", dir, slaves[i]);
		tree_symlink(tree, path, "../../../../pci0000:00");
	}
}

static void mountinfo(const char *tree, const char *text)
{
	tree_write(tree, "proc/self/mountinfo", text);
}

static struct harness *run_live_set(const char *tree, const char *only,
				    const char *const *set)
{
	struct harness *h;

	pretend_live = true;
	h = harness_run(tree, only, set);
	pretend_live = false;
	return h;
}

static struct harness *run_live(const char *tree, const char *only)
{
	return run_live_set(tree, only, NULL);
}

/* Root on sdq2, sdq 40 GiB: the usual plain partition. */
static char *plain_tree(unsigned gib)
{
	char *tree = centos7_tree();

	disk(tree, "sdq", "65:0", GIB_SECTORS(gib));
	partition(tree, "sdq", "sdq1", "65:1", 1);
	partition(tree, "sdq", "sdq2", "65:2", 2);
	mountinfo(tree,
		  "22 1 65:2 / / rw,relatime shared:1 - xfs /dev/sdq2 rw\n"
		  "23 22 65:1 / /boot rw,relatime shared:2 - xfs /dev/sdq1 rw\n"
		  "24 22 0:21 / /proc rw,nosuid shared:3 - proc proc rw\n");
	return tree;
}

/* --- the live walk ------------------------------------------------------ */

static void plain_partition(void **state)
{
	struct harness *h = run_live(plain_tree(40), "storage");

	harness_expect(h, "storage.root_partition", GP_PASS);
	harness_expect_evidence(h, "storage.root_partition", "/dev/sdq2");
	harness_expect(h, "storage.disk_size", GP_PASS);
	/* The disk itself cannot be opened here: said once, then skips. */
	harness_expect(h, "storage.system_disk", GP_ERROR);
	harness_expect_evidence(h, "storage.system_disk", "mountinfo");
	harness_expect(h, "storage.partition_table", GP_SKIP);
	harness_expect(h, "storage.ext4_features", GP_SKIP);
	harness_expect(h, "storage.filesystem", GP_PASS);
	harness_expect(h, "storage.data_disks", GP_PASS);
	assert_int_equal(h->ctx.system_disk_bytes, 40ull << 30);
	harness_free(h);
}

static void size_from_sysfs(void **state)
{
	struct harness *h = run_live(plain_tree(600), "storage.disk_size");

	harness_expect(h, "storage.disk_size", GP_FAIL);
	harness_free(h);
	h = run_live(plain_tree(2), "storage.disk_size");
	harness_expect(h, "storage.disk_size", GP_WARN);
	/* What to enter at import: the profile's minimum. */
	assert_int_equal(h->ctx.system_disk_bytes, 5ull << 30);
	harness_free(h);
}

static void lvm_root_fails(void **state)
{
	static const char *const slaves[] = {"sdq2", NULL};
	char *tree = plain_tree(40);
	struct harness *h;

	stacked(tree, "dm-0", "253:0", "dm/uuid", "LVM-Kx1Zq8Ma\n", slaves);
	mountinfo(tree, "22 1 253:0 / / rw - xfs /dev/mapper/centos-root rw\n");
	h = run_live(tree, "storage.root_partition");
	harness_expect(h, "storage.root_partition", GP_FAIL);
	harness_expect_evidence(h, "storage.root_partition", "sdq");
	harness_free(h);
	h = run_live_set(tree, "storage.root_partition",
			 (const char *const[]){
				 "storage.multiple_partitions=warn", NULL});
	harness_expect(h, "storage.root_partition", GP_WARN);
	harness_free(h);
}

static void luks_on_lvm_is_named(void **state)
{
	static const char *const lv[] = {"sdq2", NULL};
	static const char *const crypt[] = {"dm-0", NULL};
	char *tree = plain_tree(40);
	const struct gp_finding *f;
	struct harness *h;

	stacked(tree, "dm-0", "253:0", "dm/uuid", "LVM-abc\n", lv);
	stacked(tree, "dm-1", "253:1", "dm/uuid", "CRYPT-LUKS2-0123-root\n",
		crypt);
	mountinfo(tree, "22 1 253:1 / / rw - ext4 /dev/mapper/root rw\n");
	h = run_live(tree, "storage.root_partition");
	harness_expect(h, "storage.root_partition", GP_FAIL);
	f = harness_find(h, "storage.root_partition");
	assert_non_null(strstr(f->message, "LUKS"));
	assert_non_null(strstr(f->message, "LVM"));
	harness_free(h);
}

static void md_raid_spans_disks(void **state)
{
	static const char *const slaves[] = {"sdq1", "sdr1", NULL};
	char *tree = plain_tree(40);
	const struct gp_finding *f;
	struct harness *h;

	disk(tree, "sdr", "65:16", GIB_SECTORS(40));
	partition(tree, "sdr", "sdr1", "65:17", 1);
	stacked(tree, "md127", "9:127", "md/level", "raid1\n", slaves);
	mountinfo(tree, "22 1 9:127 / / rw - ext4 /dev/md127 rw\n");
	h = run_live(tree, "storage.root_partition");
	harness_expect(h, "storage.root_partition", GP_FAIL);
	f = harness_find(h, "storage.root_partition");
	assert_non_null(strstr(f->message, "raid1"));
	assert_non_null(strstr(f->message, "several disks"));
	harness_expect_evidence(h, "storage.root_partition", "sdr");
	harness_free(h);
}

static void overlay_root_is_no_disk(void **state)
{
	char *tree = centos7_tree();
	struct harness *h;

	mountinfo(tree,
		  "500 400 0:52 / / rw - overlay overlay rw,lowerdir=/a\n");
	h = run_live(tree, "storage");
	harness_expect(h, "storage.system_disk", GP_SKIP);
	harness_expect_evidence(h, "storage.system_disk", "overlay");
	harness_expect(h, "storage.disk_size", GP_SKIP);
	harness_expect(h, "storage.root_partition", GP_SKIP);
	assert_int_equal(h->ctx.system_disk_bytes, 0);
	harness_free(h);
}

/* No /proc, a garbled one, a sysfs loop: skips, never a crash. */
static void broken_proc_and_sys(void **state)
{
	static const char *const self[] = {"dm-0", NULL};
	char *tree = centos7_tree();
	struct harness *h;

	h = run_live(tree, "storage.system_disk");
	harness_expect(h, "storage.system_disk", GP_SKIP);
	harness_expect_evidence(h, "storage.system_disk", "mountinfo");
	harness_free(h);

	mountinfo(tree, "\x01\x02 garbage\n22 1 nonsense\n");
	h = run_live(tree, "storage.system_disk");
	harness_expect(h, "storage.system_disk", GP_SKIP);
	harness_free(h);

	stacked(tree, "dm-0", "253:0", "dm/uuid", "LVM-loop\n", self);
	mountinfo(tree, "22 1 253:0 / / rw - ext4 /dev/dm-0 rw\n");
	h = run_live(tree, "storage.system_disk");
	harness_expect(h, "storage.system_disk", GP_SKIP);
	harness_free(h);

	/* The device of / is not in sysfs at all. */
	mountinfo(tree, "22 1 8:3 / / rw - ext4 /dev/sda3 rw\n");
	h = run_live(tree, "storage.system_disk");
	harness_expect(h, "storage.system_disk", GP_SKIP);
	harness_expect_evidence(h, "storage.system_disk", "8:3");
	harness_free(h);
}

static void data_disks(void **state)
{
	char *tree = plain_tree(40);
	struct harness *h;

	disk(tree, "sdr", "65:16", GIB_SECTORS(2500));
	partition(tree, "sdr", "sdr1", "65:17", 1);
	disk(tree, "loop0", "7:0", GIB_SECTORS(3000));
	mountinfo(tree, "22 1 65:2 / / rw - xfs /dev/sdq2 rw\n"
			"23 22 65:1 / /boot rw - xfs /dev/sdq1 rw\n"
			"30 22 65:17 / /data rw - xfs /dev/sdr1 rw\n"
			"31 22 7:0 / /mnt/iso ro - iso9660 /dev/loop0 ro\n");
	h = run_live(tree, "storage.data_disks");
	harness_expect(h, "storage.data_disks", GP_FAIL);
	harness_expect_evidence(h, "storage.data_disks", "/dev/sdr");
	harness_free(h);

	tree_write(tree, PCI "/sdr/size", "209715200\n"); /* 100 GiB */
	h = run_live(tree, "storage.data_disks");
	harness_expect(h, "storage.data_disks", GP_PASS);
	harness_free(h);
}

/* --- offline: what fstab tells ------------------------------------------ */

static void offline_without_disk(void **state)
{
	char *tree = centos7_tree();
	struct harness *h = harness_run(tree, "storage", NULL);

	harness_expect(h, "storage.system_disk", GP_SKIP);
	harness_expect_evidence(h, "storage.system_disk", "--disk");
	harness_expect(h, "storage.partition_table", GP_SKIP);
	harness_expect(h, "storage.disk_size", GP_SKIP);
	/* fstab's / is LVM: that alone is enough to fail. */
	harness_expect(h, "storage.root_partition", GP_FAIL);
	harness_expect(h, "storage.filesystem", GP_PASS);
	harness_expect(h, "storage.data_disks", GP_PASS);
	harness_free(h);
}

static void filesystem_from_fstab(void **state)
{
	char *tree = centos7_tree();
	struct harness *h;

	tree_write(tree, "etc/fstab", "UUID=0a1b / btrfs defaults 0 0\n");
	h = harness_run(tree, "storage.filesystem", NULL);
	harness_expect(h, "storage.filesystem", GP_FAIL);
	harness_free(h);
	tree_write(tree, "etc/fstab", "UUID=0a1b / auto defaults 0 0\n");
	h = harness_run(tree, "storage.filesystem", NULL);
	harness_expect(h, "storage.filesystem", GP_SKIP);
	harness_free(h);
	tree_remove(tree, "etc/fstab");
	h = harness_run(tree, "storage.filesystem", NULL);
	harness_expect(h, "storage.filesystem", GP_SKIP);
	harness_free(h);
}

static void separate_mounts(void **state)
{
	char *tree = centos7_tree();
	struct harness *h;

	tree_write(tree, "etc/fstab",
		   "UUID=1 / xfs defaults 0 0\nUUID=2 /boot xfs defaults 0 0\n"
		   "UUID=3 swap swap defaults 0 0\n");
	h = harness_run(tree, "storage.separate_mounts", NULL);
	harness_expect(h, "storage.separate_mounts", GP_PASS);
	harness_expect_evidence(h, "storage.separate_mounts", "/boot");
	harness_free(h);
	tree_write(tree, "etc/fstab",
		   "UUID=1 / xfs defaults 0 0\nUUID=4 /var xfs defaults 0 0\n");
	h = harness_run(tree, "storage.separate_mounts", NULL);
	harness_expect(h, "storage.separate_mounts", GP_WARN);
	harness_expect_evidence(h, "storage.separate_mounts", "/var");
	harness_free(h);
}

static void uefi_from_fstab(void **state)
{
	char *tree = centos7_tree();
	struct harness *h;

	tree_write(tree, "etc/fstab",
		   "UUID=1 / xfs defaults 0 0\n"
		   "UUID=7A3B-11C2 /boot/efi vfat umask=0077 0 2\n");
	h = harness_run(tree, "storage.uefi", NULL);
	harness_expect(h, "storage.uefi", GP_FAIL);
	harness_free(h);
	h = harness_run(tree, "storage.uefi",
			(const char *const[]){"storage.uefi_boot=warn", NULL});
	harness_expect(h, "storage.uefi", GP_WARN);
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(plain_partition, tree_teardown),
		cmocka_unit_test_teardown(size_from_sysfs, tree_teardown),
		cmocka_unit_test_teardown(lvm_root_fails, tree_teardown),
		cmocka_unit_test_teardown(luks_on_lvm_is_named, tree_teardown),
		cmocka_unit_test_teardown(md_raid_spans_disks, tree_teardown),
		cmocka_unit_test_teardown(overlay_root_is_no_disk,
					  tree_teardown),
		cmocka_unit_test_teardown(broken_proc_and_sys, tree_teardown),
		cmocka_unit_test_teardown(data_disks, tree_teardown),
		cmocka_unit_test_teardown(offline_without_disk, tree_teardown),
		cmocka_unit_test_teardown(filesystem_from_fstab, tree_teardown),
		cmocka_unit_test_teardown(separate_mounts, tree_teardown),
		cmocka_unit_test_teardown(uefi_from_fstab, tree_teardown),
	};
	return cmocka_run_group_tests_name("storage", tests, NULL, NULL);
}
