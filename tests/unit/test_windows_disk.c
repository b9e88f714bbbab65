/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The windows_disk plugin on real disk images: sparse raw files partitioned
 * with sfdisk, NTFS volumes made by mkntfs (ntfs-3g) and FAT32 boot
 * sectors written here, copied in at each partition's offset and read
 * back through the core's libblkid reader, as `guestprep check --root
 * /mnt/windows --disk IMAGE` reads them.  The tree beside each image is
 * a Windows volume: its registry hives (tests/unit/hive.c).
 *
 * Also disk_space on a Windows tree: the program is linked with
 * -Wl,--wrap=gp_sys_fstatvfs so the free space is what the test says.
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>

#include "harness.h"
#include "hive.h"
#include "util.h"

#define MIB (1024ull * 1024)
#define GIB (1024ull * MIB)

/* --- disk_space's seam ---------------------------------------------------- */

int __wrap_gp_sys_fstatvfs(int fd, struct statvfs *ret);
int __real_gp_sys_fstatvfs(int fd, struct statvfs *ret);

static struct statvfs fake;
static bool use_fake;

int __wrap_gp_sys_fstatvfs(int fd, struct statvfs *ret)
{
	if (!use_fake)
		return __real_gp_sys_fstatvfs(fd, ret);
	*ret = fake;
	return 0;
}

/* --- trees and images ----------------------------------------------------- */

static char *windows_tree(void)
{
	char *tree = tree_kept(tree_new());
	char *software, *system;

	tree_mkdir(tree, "Windows/System32/config");
	tree_write(tree, "Windows/System32/drivers/etc/hosts", "");
	software = tree_file(tree, "Windows/System32/config/SOFTWARE");
	system = tree_file(tree, "Windows/System32/config/SYSTEM");
	hive_new(software);
	hive_set_string(software, "Microsoft\\Windows NT\\CurrentVersion",
			"ProductName", "Windows Server 2016 Datacenter");
	hive_set_string(software, "Microsoft\\Windows NT\\CurrentVersion",
			"CurrentVersion", "6.3");
	hive_set_string(software, "Microsoft\\Windows NT\\CurrentVersion",
			"CurrentBuildNumber", "14393");
	hive_set_string(software, "Microsoft\\Windows NT\\CurrentVersion",
			"InstallationType", "Server");
	hive_new(system);
	hive_set_dword(system, "Select", "Current", 1);
	hive_add_key(system, "ControlSet001\\Services");
	free(software);
	free(system);
	return tree;
}

static void sh(const char *fmt, ...) _printf_(1, 2);
static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fail_msg("\"%s\" failed (%d)", cmd, rc);
}

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* The tools the images need; the test is skipped without them. */
static void need_tools(void)
{
	if (!have("sfdisk") || !have("mkntfs")) {
		print_message("sfdisk (fdisk) and mkntfs (ntfs-3g) are "
			      "needed\n");
		skip();
	}
}

/*
 * A sparse disk @img of @size bytes, partitioned by sfdisk: @label "dos"
 * or "gpt", then one "START-MiB SIZE-MiB TYPE" per partition, NULL last.
 */
static void disk(const char *img, uint64_t size, const char *label, ...)
{
	char script[1024];
	size_t n = 0;
	unsigned start, mib;
	char type[64];
	const char *p;
	va_list ap;

	n += (size_t)snprintf(script + n, sizeof(script) - n, "label: %s\\n",
			      label);
	va_start(ap, label);
	while ((p = va_arg(ap, const char *))) {
		/* The test's own literals: a bad one fails the count. */
		/* NOLINTNEXTLINE(cert-err34-c) */
		assert_int_equal(sscanf(p, "%u %u %63s", &start, &mib, type),
				 3);
		n += (size_t)snprintf(script + n, sizeof(script) - n,
				      "start=%u, size=%u, type=%s\\n",
				      start * 2048, mib * 2048, type);
	}
	va_end(ap);
	sh("rm -f '%s' && truncate -s %llu '%s' && printf '%s' | sfdisk -q "
	   "'%s' >/dev/null",
	   img, (unsigned long long)size, img, script, img);
}

/* An NTFS volume of @mib MiB labelled @label at @start MiB of @img. */
static void put_ntfs(const char *img, unsigned start, unsigned mib,
		     const char *label)
{
	sh("f='%s.ntfs' && rm -f \"$f\" && truncate -s %uM \"$f\" && "
	   "mkntfs -F -Q -q -L '%s' -p %u -S 63 -H 255 \"$f\" >/dev/null "
	   "2>&1 && dd if=\"$f\" of='%s' bs=1M seek=%u conv=notrunc,sparse "
	   "status=none && rm -f \"$f\"",
	   img, mib, label, start * 2048, img, start);
}

static void le16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

/*
 * A FAT32 boot sector for a volume of @mib MiB at @start MiB of @img:
 * 512-byte sectors, one per cluster, two FATs (enough clusters to be
 * FAT32 from 40 MiB), as mkfs.fat would lay it out.
 */
static void put_fat32(const char *img, unsigned start, unsigned mib)
{
	unsigned char bs[512] = {0xeb, 0x58, 0x90};
	uint32_t sectors = mib * 2048;
	int fd;

	/* Fixed-size fields of the boot sector, blank-padded, no NUL. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(bs + 3, "MSWIN4.1", 8);
	le16(bs + 11, 512);		  /* bytes per sector */
	bs[13] = 1;			  /* sectors per cluster */
	le16(bs + 14, 32);		  /* reserved sectors */
	bs[16] = 2;			  /* FATs */
	bs[21] = 0xf8;			  /* media: fixed disk */
	le16(bs + 24, 63);		  /* sectors per track */
	le16(bs + 26, 255);		  /* heads */
	le32(bs + 28, start * 2048);	  /* hidden sectors */
	le32(bs + 32, sectors);		  /* total sectors */
	le32(bs + 36, sectors / 128 + 1); /* sectors per FAT */
	le32(bs + 44, 2);		  /* root directory cluster */
	le16(bs + 48, 0);		  /* no FSInfo sector */
	bs[64] = 0x80;
	bs[66] = 0x29;
	le32(bs + 67, 0x1234abcd);
	/* The volume label and type fields, as the OEM name above. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(bs + 71, "NO NAME    FAT32   ", 19);
	bs[510] = 0x55;
	bs[511] = 0xaa;
	fd = open(img, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bs, sizeof(bs), (off_t)start * MIB),
			 sizeof(bs));
	close(fd);
}

static char *image(const char *tree, const char *name)
{
	return tree_file(tree, name);
}

/*
 * Run @only on @tree as `guestprep check --root TREE --disk @img` does
 * (@img NULL: no --disk), with the optional "key=value" overrides @set.
 */
static struct harness *run_disk(const char *tree, const char *only,
				const char *img, const char *const *set)
{
	char *disks[] = { (char *)img, NULL };
	const struct harness_opts opts = { .set = set, .disks = disks };

	return harness_run_opts(tree, only, &opts);
}

static void expect_all(const struct harness *h, enum gp_status table,
		       enum gp_status fs, enum gp_status size)
{
	harness_expect(h, "windows_disk.partition_table", table);
	harness_expect(h, "windows_disk.filesystem", fs);
	harness_expect(h, "windows_disk.size", size);
}

/* --- the layouts ---------------------------------------------------------- */

/* One NTFS partition on an MBR disk of 40 GiB: what the cloud wants. */
static void mbr_ntfs(void **state)
{
	char *tree, *img;
	struct harness *h;

	(void)state;
	need_tools();
	tree = windows_tree();
	img = image(tree, "disk.img");
	disk(img, 40 * GIB, "dos", "1 32 7", (char *)NULL);
	put_ntfs(img, 1, 32, "");
	h = run_disk(tree, "windows_disk", img, NULL);
	expect_all(h, GP_PASS, GP_PASS, GP_PASS);
	harness_expect_evidence(h, "windows_disk.filesystem",
				"Windows volume: partition 1 (ntfs)");
	assert_int_equal(h->ctx.system_disk_bytes, 40 * GIB);
	harness_free(h);
	free(img);
}

/* Windows setup's layout: System Reserved, C:, a recovery partition. */
static void mbr_reserved_c_recovery(void **state)
{
	char *tree, *img;
	struct harness *h;

	(void)state;
	need_tools();
	tree = windows_tree();
	img = image(tree, "disk.img");
	disk(img, 60 * GIB, "dos", "1 16 7", "17 64 7", "81 80 27",
	     (char *)NULL);
	put_ntfs(img, 1, 16, "System Reserved");
	put_ntfs(img, 17, 64, "");
	put_ntfs(img, 81, 80, "Recovery");
	h = run_disk(tree, "windows_disk", img, NULL);
	expect_all(h, GP_PASS, GP_PASS, GP_PASS);
	/* C: (partition 2) is the Windows volume, not the larger recovery. */
	harness_expect_evidence(h, "windows_disk.filesystem",
				"Windows volume: partition 2 (ntfs)");
	harness_expect_evidence(h, "windows_disk.filesystem",
				"System Reserved");
	harness_free(h);
	free(img);
}

/* An NTFS System Reserved partition does not make a FAT32 C: pass. */
static void reserved_ntfs_c_fat32(void **state)
{
	char *tree, *img;
	struct harness *h;

	(void)state;
	need_tools();
	tree = windows_tree();
	img = image(tree, "disk.img");
	disk(img, 40 * GIB, "dos", "1 16 7", "17 48 c", (char *)NULL);
	put_ntfs(img, 1, 16, "System Reserved");
	put_fat32(img, 17, 48);
	h = run_disk(tree, "windows_disk", img, NULL);
	expect_all(h, GP_PASS, GP_FAIL, GP_PASS);
	harness_expect_evidence(h, "windows_disk.filesystem",
				"Windows volume: partition 2 (vfat)");
	harness_free(h);
	free(img);
}

static void mbr_fat32(void **state)
{
	char *tree, *img;
	struct harness *h;

	(void)state;
	need_tools();
	tree = windows_tree();
	img = image(tree, "disk.img");
	disk(img, 40 * GIB, "dos", "1 48 c", (char *)NULL);
	put_fat32(img, 1, 48);
	h = run_disk(tree, "windows_disk", img, NULL);
	expect_all(h, GP_PASS, GP_FAIL, GP_PASS);
	harness_free(h);
	free(img);
}

/* UEFI's layout: EFI system partition, MSR, C: on a GPT disk. */
static void gpt_ntfs(void **state)
{
	char *tree, *img;
	struct harness *h;

	(void)state;
	need_tools();
	tree = windows_tree();
	img = image(tree, "disk.img");
	disk(img, 40 * GIB, "gpt", "1 48 U",
	     "49 16 E3C9E316-0B5C-4DB8-817D-F92DF00215AE",
	     "65 64 EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", (char *)NULL);
	put_fat32(img, 1, 48);
	put_ntfs(img, 65, 64, "");
	h = run_disk(tree, "windows_disk", img, NULL);
	expect_all(h, GP_FAIL, GP_PASS, GP_PASS);
	harness_expect_evidence(h, "windows_disk.partition_table",
				"partition 3");
	assert_true(harness_find(h, "windows_disk.partition_table")
			    ->remediation != NULL);
	harness_free(h);
	/* A profile that takes GPT (a UEFI cloud) passes it. */
	h = run_disk(tree, "windows_disk.partition_table", img,
		     (const char *const[]){
			     "windows_disk.partition_tables=dos gpt", NULL});
	harness_expect(h, "windows_disk.partition_table", GP_PASS);
	harness_free(h);
	free(img);
}

/* NTFS on the whole disk, no partition table: nothing boots it. */
static void whole_disk_ntfs(void **state)
{
	char *tree, *img;
	struct harness *h;

	(void)state;
	need_tools();
	tree = windows_tree();
	img = image(tree, "disk.img");
	sh("truncate -s 64M '%s' && mkntfs -F -Q -q '%s' >/dev/null 2>&1", img,
	   img);
	h = run_disk(tree, "windows_disk", img, NULL);
	/* 64 MiB is below the 5 GiB minimum: imported at 5 GiB. */
	expect_all(h, GP_FAIL, GP_PASS, GP_WARN);
	assert_int_equal(h->ctx.system_disk_bytes, 5 * GIB);
	harness_free(h);
	free(img);
}

/* --- sizes ---------------------------------------------------------------- */

static void sizes(void **state)
{
	char *tree, *img;
	struct harness *h;

	(void)state;
	need_tools();
	tree = windows_tree();
	img = image(tree, "disk.img");
	disk(img, 600 * GIB, "dos", "1 32 7", (char *)NULL);
	put_ntfs(img, 1, 32, "");
	h = run_disk(tree, "windows_disk.size", img, NULL);
	harness_expect(h, "windows_disk.size", GP_FAIL);
	assert_int_equal(h->ctx.system_disk_bytes, 600 * GIB);
	harness_free(h);

	/* 500 GiB and a byte: rounded up, over the limit. */
	sh("truncate -s %llu '%s'", 500 * GIB + 1, img);
	h = run_disk(tree, "windows_disk.size", img, NULL);
	harness_expect(h, "windows_disk.size", GP_FAIL);
	harness_free(h);
	sh("truncate -s %llu '%s'", 500 * GIB, img);
	h = run_disk(tree, "windows_disk.size", img, NULL);
	harness_expect(h, "windows_disk.size", GP_PASS);
	harness_free(h);

	sh("truncate -s %llu '%s'", 2 * GIB, img);
	h = run_disk(tree, "windows_disk.size", img, NULL);
	harness_expect(h, "windows_disk.size", GP_WARN);
	assert_int_equal(h->ctx.system_disk_bytes, 5 * GIB);
	harness_free(h);
	h = run_disk(
		tree, "windows_disk.size", img,
		(const char *const[]){"storage.system_disk_small=fail", NULL});
	harness_expect(h, "windows_disk.size", GP_FAIL);
	harness_free(h);
	free(img);
}

/* --- no disk, or not one to read ------------------------------------------ */

static void without_disk_skips(void **state)
{
	char *tree = windows_tree();
	struct harness *h;

	(void)state;
	h = run_disk(tree, "windows_disk", NULL, NULL);
	expect_all(h, GP_SKIP, GP_SKIP, GP_SKIP);
	assert_int_equal(h->ctx.system_disk_bytes, 0);
	harness_free(h);
}

static void unreadable_disks(void **state)
{
	char *tree = windows_tree();
	char *img = image(tree, "disk.qcow2");
	char *missing = image(tree, "nothing.img");
	struct harness *h;

	(void)state;
	tree_write(tree, "disk.qcow2", "QFI\xfb\x00\x00\x00\x03");
	sh("truncate -s 1M '%s'", img);
	h = run_disk(tree, "windows_disk", img, NULL);
	expect_all(h, GP_ERROR, GP_SKIP, GP_SKIP);
	harness_free(h);

	h = run_disk(tree, "windows_disk", missing, NULL);
	expect_all(h, GP_ERROR, GP_SKIP, GP_SKIP);
	harness_free(h);

	/* A directory is no disk. */
	h = run_disk(tree, "windows_disk", tree, NULL);
	expect_all(h, GP_ERROR, GP_SKIP, GP_SKIP);
	harness_free(h);
	free(img);
	free(missing);
}

/* Junk and zeros: no table, no file system; judged, never a crash. */
static void junk_disk(void **state)
{
	char *tree = windows_tree();
	char *img = image(tree, "junk.img");
	struct harness *h;

	(void)state;
	sh("yes 'not a disk' | head -c 1048576 > '%s' && truncate -s 41G '%s'",
	   img, img);
	h = run_disk(tree, "windows_disk", img, NULL);
	expect_all(h, GP_FAIL, GP_FAIL, GP_PASS);
	harness_free(h);
	free(img);
}

/* A Linux tree with the same disk: windows_disk does not apply. */
static void linux_tree_not_judged(void **state)
{
	char *tree = tree_kept(tree_new());
	char *img = image(tree, "disk.img");
	struct harness *h;

	(void)state;
	tree_write(tree, "etc/os-release",
		   "NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"7\"\n");
	sh("truncate -s 40G '%s'", img);
	h = run_disk(tree, "windows_disk", img, NULL);
	harness_expect_none(h, "windows_disk.partition_table");
	harness_expect_none(h, "windows_disk.filesystem");
	harness_free(h);
	free(img);
}

/* --- disk_space on a Windows volume ----------------------------------------
 */

static void windows_free_space(void **state)
{
	char *tree = windows_tree();
	struct harness *h;

	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.f_bsize = fake.f_frsize = 4096;
	fake.f_blocks = 40 * GIB / 4096;
	fake.f_bfree = fake.f_bavail = 20 * GIB / 4096;
	/* What ntfs-3g reports: no inodes to speak of. */
	fake.f_files = 100;
	fake.f_ffree = fake.f_favail = 0;
	use_fake = true;
	h = harness_run(tree, "disk_space", NULL);
	harness_expect(h, "disk_space.free", GP_PASS);
	harness_expect(h, "disk_space.inodes", GP_PASS);
	harness_free(h);

	fake.f_bfree = fake.f_bavail = 100 * MIB / 4096;
	h = harness_run(tree, "disk_space", NULL);
	harness_expect(h, "disk_space.free", GP_FAIL);
	assert_true(harness_fixable(h, "disk_space.free") == false);
	harness_free(h);

	fake.f_bfree = fake.f_bavail = 512 * MIB / 4096;
	h = harness_run(tree, "disk_space.free", NULL);
	harness_expect(h, "disk_space.free", GP_WARN);
	harness_free(h);
	use_fake = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(mbr_ntfs, tree_teardown),
		cmocka_unit_test_teardown(mbr_reserved_c_recovery,
					  tree_teardown),
		cmocka_unit_test_teardown(reserved_ntfs_c_fat32, tree_teardown),
		cmocka_unit_test_teardown(mbr_fat32, tree_teardown),
		cmocka_unit_test_teardown(gpt_ntfs, tree_teardown),
		cmocka_unit_test_teardown(whole_disk_ntfs, tree_teardown),
		cmocka_unit_test_teardown(sizes, tree_teardown),
		cmocka_unit_test_teardown(without_disk_skips, tree_teardown),
		cmocka_unit_test_teardown(unreadable_disks, tree_teardown),
		cmocka_unit_test_teardown(junk_disk, tree_teardown),
		cmocka_unit_test_teardown(linux_tree_not_judged, tree_teardown),
		cmocka_unit_test_teardown(windows_free_space, tree_teardown),
	};
	return cmocka_run_group_tests_name("windows_disk", tests, NULL, NULL);
}
