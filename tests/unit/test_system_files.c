/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system_files plugin: /etc/issue, /etc/fstab, the grub
 * configuration, /bin /sbin /lib*, and a writable /etc/shadow.
 *
 * Installed systems are static fixtures (tests/fixtures/system_files/):
 * centos7 (merged /usr, grub2, LVM), debian9 (real /bin, grub2),
 * centos6 (grub legacy, menu.lst -> grub.conf), coreos (no grub in the
 * root) and fstab-unparseable.  Each failure is a copy of one of them,
 * broken at run time; special files (FIFOs, sparse files, immutable
 * files) only exist at run time.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "harness.h"
#include "util.h"


static void expect_tree(const char *tree, const char *only, const char *id,
			enum gp_status status)
{
	struct harness *h = harness_run(tree, only, NULL);

	harness_expect(h, id, status);
	harness_free(h);
}

/* A Debian 9 tree with only os-release: add what the test is about. */
static char *bare_tree(void)
{
	char *tree = tree_kept(tree_new());

	tree_write(tree, "etc/os-release",
		   "NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"9\"\n");
	return tree;
}

/* --- whole fixtures ------------------------------------------------- */

static void expect_all_pass(const char *fixture)
{
	static const char *const ids[] = {
		"system_files.issue", "system_files.fstab",
		"system_files.bootloader", "system_files.dirs",
		"system_files.shadow", "system_files.shadow.attributes",
		"system_files.shadow.mount",
	};
	struct harness *h = harness_fixture(fixture, "system_files");

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		harness_expect(h, ids[i], GP_PASS);
	harness_free(h);
}

static void centos7_passes(void **state)
{
	expect_all_pass("system_files/centos7");
}

static void debian9_passes(void **state)
{
	expect_all_pass("system_files/debian9");
}

static void centos6_passes(void **state)
{
	expect_all_pass("system_files/centos6");
}

/* --- system_files.issue --------------------------------------------- */

static void issue_present_passes(void **state)
{
	struct harness *h = harness_fixture("system_files/centos7",
					    "system_files.issue");

	harness_expect(h, "system_files.issue", GP_PASS);
	harness_expect_evidence(h, "system_files.issue", "\\S");
	harness_free(h);
}

static void issue_missing_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "etc/issue");
	expect_tree(tree, "system_files.issue", "system_files.issue", GP_FAIL);
}

/* The severity of a missing /etc/issue is the profile's. */
static void issue_missing_profile_warn(void **state)
{
	static const char *const set[] = { "system_files.missing_issue=warn",
					    NULL };
	char *tree = tree_kept(tree_copy("system_files/centos7"));
	struct harness *h;

	tree_remove(tree, "etc/issue");
	h = harness_run(tree, "system_files.issue", set);
	harness_expect(h, "system_files.issue", GP_WARN);
	harness_free(h);
}

/* Emptied by a hardening script; blank lines count as empty. */
static void issue_empty_warns(void **state)
{
	static const char *const contents[] = { "", "\n\n", " \t\r\n" };

	for (size_t i = 0; i < ARRAY_SIZE(contents); i++) {
		char *tree = tree_kept(tree_copy("system_files/centos7"));

		tree_write(tree, "etc/issue", contents[i]);
		expect_tree(tree, "system_files.issue", "system_files.issue",
			    GP_WARN);
	}
}

static void issue_directory_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "etc/issue");
	tree_mkdir(tree, "etc/issue");
	expect_tree(tree, "system_files.issue", "system_files.issue", GP_FAIL);
}

/* 1 MiB of holes where a one-line banner should be. */
static void issue_huge_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));
	char *path = tree_file(tree, "etc/issue");

	assert_int_equal(truncate(path, 1 << 20), 0);
	expect_tree(tree, "system_files.issue", "system_files.issue", GP_FAIL);
	free(path);
}

/*
 * Absolute and "../" links that would reach the host's /etc/issue if
 * followed outside the root: inside the root they name /etc/issue of the
 * root itself, which is the link, or nothing.  The host has the file, so
 * a pass here would mean the check read outside the tree.
 */
static void issue_symlink_escape_stays_inside(void **state)
{
	static const char *const targets[] = {
		"/../../../../etc/issue",
		"../../../../../../../../etc/issue",
	};

	assert_int_equal(access("/etc/issue", F_OK), 0);
	for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
		char *tree = tree_kept(tree_copy("system_files/centos7"));

		tree_remove(tree, "etc/issue");
		tree_symlink(tree, "etc/issue", targets[i]);
		expect_tree(tree, "system_files.issue", "system_files.issue",
			    GP_FAIL);
	}
}

/*
 * Some distributions ship /etc/issue as a link into /usr.  The last
 * target climbs above the root: resolved inside it, it still names the
 * tree's own /usr/share/issue, whose text the evidence shows.
 */
static void issue_symlink_inside_passes(void **state)
{
	static const char *const targets[] = {
		"/usr/share/issue",
		"../usr/share/issue",
		"/../../../../../../../../usr/share/issue",
	};

	for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
		char *tree = tree_kept(tree_copy("system_files/centos7"));
		struct harness *h;

		tree_remove(tree, "etc/issue");
		tree_write(tree, "usr/share/issue", "Fixture Linux 1.0 \\r\n");
		tree_symlink(tree, "etc/issue", targets[i]);
		h = harness_run(tree, "system_files.issue", NULL);
		harness_expect(h, "system_files.issue", GP_PASS);
		harness_expect_evidence(h, "system_files.issue",
					"Fixture Linux 1.0");
		harness_free(h);
	}
}

/* --- system_files.fstab --------------------------------------------- */

static void fstab_passes(void **state)
{
	struct harness *h = harness_fixture("system_files/centos7",
					    "system_files.fstab");

	harness_expect(h, "system_files.fstab", GP_PASS);
	harness_expect_evidence(h, "system_files.fstab", "3 entries");
	harness_free(h);
}

static void fstab_missing_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "etc/fstab");
	expect_tree(tree, "system_files.fstab", "system_files.fstab", GP_FAIL);
}

/*
 * A data disk line left with only its device: libmount's parser rejects
 * a line with fewer than two fields (checked with util-linux 2.38).
 */
static void fstab_unparseable_fails(void **state)
{
	struct harness *h = harness_fixture("system_files/fstab-unparseable",
					    "system_files.fstab");

	harness_expect(h, "system_files.fstab", GP_FAIL);
	harness_expect_evidence(h, "system_files.fstab", "/etc/fstab:7:");
	harness_free(h);
}

/* Non-numeric dump and pass fields are rejected too. */
static void fstab_bad_pass_field_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_write(tree, "etc/fstab",
		   "/dev/mapper/centos-root / xfs defaults 0 0\n"
		   "/dev/vdb1 /data xfs defaults no 2\n");
	expect_tree(tree, "system_files.fstab", "system_files.fstab", GP_FAIL);
}

/* Nothing writes to the FIFO: reading it would hang the run. */
static void fstab_fifo_fails_without_blocking(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "etc/fstab");
	tree_mkfifo(tree, "etc/fstab");
	alarm(20);
	expect_tree(tree, "system_files.fstab", "system_files.fstab", GP_FAIL);
	alarm(0);
}

static void fstab_directory_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "etc/fstab");
	tree_mkdir(tree, "etc/fstab");
	expect_tree(tree, "system_files.fstab", "system_files.fstab", GP_FAIL);
}

/* --- system_files.bootloader ---------------------------------------- */

/* Each place a grub of some age keeps its configuration, alone. */
static void bootloader_each_config_passes(void **state)
{
	static const char *const configs[] = {
		"/boot/grub2/grub.cfg", "/boot/grub/grub.cfg",
		"/boot/grub/menu.lst", "/boot/grub/grub.conf",
		"/boot/efi/EFI/centos/grub.cfg",	/* RHEL 7 on UEFI */
	};

	for (size_t i = 0; i < ARRAY_SIZE(configs); i++) {
		char *tree = bare_tree();
		struct harness *h;

		tree_write(tree, configs[i],
			   "default=0\ntimeout=5\ntitle Linux\n"
			   "\tkernel /vmlinuz root=/dev/vda1 ro\n");
		h = harness_run(tree, "system_files.bootloader", NULL);
		harness_expect(h, "system_files.bootloader", GP_PASS);
		harness_expect_evidence(h, "system_files.bootloader",
					configs[i]);
		harness_free(h);
	}
}

/* grub legacy on CentOS 6: menu.lst is a relative link to grub.conf. */
static void bootloader_legacy_link_passes(void **state)
{
	struct harness *h = harness_fixture("system_files/centos6",
					    "system_files.bootloader");

	harness_expect(h, "system_files.bootloader", GP_PASS);
	harness_expect_evidence(h, "system_files.bootloader", "menu.lst");
	harness_free(h);
}

/* /boot on its own partition, not mounted when the tree was taken. */
static void bootloader_none_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/debian9"));

	tree_remove(tree, "boot/grub/grub.cfg");
	expect_tree(tree, "system_files.bootloader", "system_files.bootloader",
		    GP_FAIL);
}

/* An interrupted grub2-mkconfig leaves an empty file. */
/* An EFI system partition with a loader but no grub.cfg beside it. */
static void bootloader_efi_without_config_fails(void **state)
{
	char *tree = bare_tree();

	tree_write(tree, "boot/efi/EFI/BOOT/BOOTX64.EFI", "MZ");
	expect_tree(tree, "system_files.bootloader", "system_files.bootloader",
		    GP_FAIL);
}

static void bootloader_empty_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_write(tree, "boot/grub2/grub.cfg", "");
	expect_tree(tree, "system_files.bootloader", "system_files.bootloader",
		    GP_FAIL);
}

static void bootloader_directory_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "boot/grub2/grub.cfg");
	tree_mkdir(tree, "boot/grub2/grub.cfg");
	expect_tree(tree, "system_files.bootloader", "system_files.bootloader",
		    GP_FAIL);
}

/* A link out of the root finds nothing: the host's grub does not count. */
static void bootloader_escaping_link_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "boot/grub2/grub.cfg");
	tree_symlink(tree, "boot/grub2/grub.cfg",
		     "../../../../../../../../boot/grub/grub.cfg");
	expect_tree(tree, "system_files.bootloader", "system_files.bootloader",
		    GP_FAIL);
}

static void bootloader_coreos_skips(void **state)
{
	struct harness *h = harness_fixture("system_files/coreos",
					    "system_files.bootloader");

	harness_expect(h, "system_files.bootloader", GP_SKIP);
	harness_free(h);
}

/* --- system_files.dirs ---------------------------------------------- */

static void dirs_real_directories_pass(void **state)
{
	struct harness *h = harness_fixture("system_files/debian9",
					    "system_files.dirs");

	harness_expect(h, "system_files.dirs", GP_PASS);
	harness_free(h);
}

/* bin -> usr/bin and the like (Fedora 17 and later, RHEL 7, Debian 12). */
static void dirs_merged_usr_pass(void **state)
{
	struct harness *h = harness_fixture("system_files/centos7",
					    "system_files.dirs");

	harness_expect(h, "system_files.dirs", GP_PASS);
	harness_free(h);
}

/* A 32-bit system has neither /lib64 nor /lib32. */
static void dirs_without_lib64_pass(void **state)
{
	char *tree = bare_tree();

	tree_mkdir(tree, "bin");
	tree_mkdir(tree, "sbin");
	tree_mkdir(tree, "lib");
	expect_tree(tree, "system_files.dirs", "system_files.dirs", GP_PASS);
}

static void dirs_missing_sbin_fails(void **state)
{
	char *tree = bare_tree();
	struct harness *h;

	tree_mkdir(tree, "bin");
	tree_mkdir(tree, "lib");
	tree_mkdir(tree, "lib64");
	h = harness_run(tree, "system_files.dirs", NULL);
	harness_expect(h, "system_files.dirs", GP_FAIL);
	harness_expect_evidence(h, "system_files.dirs", "/sbin");
	harness_free(h);
}

/* Merged /usr whose usr/lib64 was deleted: the link dangles. */
static void dirs_broken_lib64_link_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));
	struct harness *h;

	tree_remove(tree, "usr/lib64/.keep");
	tree_remove(tree, "usr/lib64");
	h = harness_run(tree, "system_files.dirs", NULL);
	harness_expect(h, "system_files.dirs", GP_FAIL);
	harness_expect_evidence(h, "system_files.dirs", "/lib64 -> usr/lib64");
	harness_free(h);
}

/* A "cp" gone wrong left a file where /bin should be. */
static void dirs_bin_is_a_file_fails(void **state)
{
	char *tree = bare_tree();
	struct harness *h;

	tree_write(tree, "bin", "#!/bin/sh\n");
	tree_mkdir(tree, "sbin");
	tree_mkdir(tree, "lib");
	h = harness_run(tree, "system_files.dirs", NULL);
	harness_expect(h, "system_files.dirs", GP_FAIL);
	harness_expect_evidence(h, "system_files.dirs", "/bin");
	harness_free(h);
}

/* --- system_files.shadow -------------------------------------------- */

static void shadow_passes(void **state)
{
	struct harness *h = harness_fixture("system_files/centos7",
					    "system_files.shadow");

	harness_expect(h, "system_files.shadow", GP_PASS);
	harness_expect(h, "system_files.shadow.attributes", GP_PASS);
	harness_expect(h, "system_files.shadow.mount", GP_PASS);
	harness_free(h);
}

/* Without the file nothing more is judged. */
static void shadow_missing_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));
	struct harness *h;

	tree_remove(tree, "etc/shadow");
	h = harness_run(tree, "system_files.shadow", NULL);
	harness_expect(h, "system_files.shadow", GP_FAIL);
	harness_expect_none(h, "system_files.shadow.attributes");
	harness_expect_none(h, "system_files.shadow.mount");
	harness_free(h);
}

static void shadow_directory_fails(void **state)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_remove(tree, "etc/shadow");
	tree_mkdir(tree, "etc/shadow");
	expect_tree(tree, "system_files.shadow", "system_files.shadow",
		    GP_FAIL);
}

/*
 * "chattr +i /etc/shadow" (or +a), a hardening habit.  Skipped where
 * the file system under TMPDIR keeps no such flags; tree_free() clears
 * them again.
 */
static void expect_shadow_flag_fails(int flag, const char *lsattr)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));
	char *path = tree_file(tree, "etc/shadow");
	struct harness *h;
	int fd, flags = 0, r, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	r = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	if (r == 0) {
		flags |= flag;
		r = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	err = errno;
	close(fd);
	free(path);
	if (r < 0) {
		if (err == ENOTTY || err == EOPNOTSUPP || err == EPERM)
			skip();
		fail_msg("FS_IOC_SETFLAGS: %s", strerror(err));
	}

	h = harness_run(tree, "system_files.shadow", NULL);
	harness_expect(h, "system_files.shadow", GP_PASS);
	harness_expect(h, "system_files.shadow.attributes", GP_FAIL);
	harness_expect_evidence(h, "system_files.shadow.attributes", lsattr);
	harness_free(h);
}

static void shadow_immutable_fails(void **state)
{
	expect_shadow_flag_fails(FS_IMMUTABLE_FL, "/etc/shadow: i");
}

static void shadow_append_only_fails(void **state)
{
	expect_shadow_flag_fails(FS_APPEND_FL, "/etc/shadow: a");
}

/* Offline, the tree's fstab tells how / will be mounted. */
static void expect_shadow_mount(const char *fstab, enum gp_status status)
{
	char *tree = tree_kept(tree_copy("system_files/centos7"));

	tree_write(tree, "etc/fstab", fstab);
	expect_tree(tree, "system_files.shadow", "system_files.shadow.mount",
		    status);
}

static void shadow_mount_root_ro_fails(void **state)
{
	expect_shadow_mount("/dev/mapper/centos-root / xfs ro 0 0\n", GP_FAIL);
	expect_shadow_mount("/dev/mapper/centos-root / xfs ro,noatime 0 0\n",
			    GP_FAIL);
}

static void shadow_mount_root_defaults_passes(void **state)
{
	expect_shadow_mount("/dev/mapper/centos-root / xfs defaults 0 0\n",
			    GP_PASS);
	/* Debian's "errors=remount-ro" is not "ro". */
	expect_shadow_mount("/dev/vda1 / ext4 errors=remount-ro 0 1\n", GP_PASS);
}

/* /etc on a file system of its own, mounted read-only. */
static void shadow_mount_etc_ro_fails(void **state)
{
	expect_shadow_mount("/dev/vda1 / ext4 defaults 0 1\n"
			    "/dev/vda2 /etc ext4 ro 0 2\n", GP_FAIL);
}

/*
 * This machine's /etc is writable (it is where the tests run).  Only
 * root can read /etc/shadow, and the mount is judged once it is read.
 */
static void shadow_mount_live_passes(void **state)
{
	struct harness *h;

	if (access("/etc/shadow", R_OK) < 0)
		skip();
	h = harness_run("/", "system_files.shadow", NULL);
	harness_expect(h, "system_files.shadow.mount", GP_PASS);
	harness_free(h);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(centos7_passes),
		TEST(debian9_passes),
		TEST(centos6_passes),
		TEST(issue_present_passes),
		TEST(issue_missing_fails),
		TEST(issue_missing_profile_warn),
		TEST(issue_empty_warns),
		TEST(issue_directory_fails),
		TEST(issue_huge_fails),
		TEST(issue_symlink_escape_stays_inside),
		TEST(issue_symlink_inside_passes),
		TEST(fstab_passes),
		TEST(fstab_missing_fails),
		TEST(fstab_unparseable_fails),
		TEST(fstab_bad_pass_field_fails),
		TEST(fstab_fifo_fails_without_blocking),
		TEST(fstab_directory_fails),
		TEST(bootloader_each_config_passes),
		TEST(bootloader_legacy_link_passes),
		TEST(bootloader_none_fails),
		TEST(bootloader_efi_without_config_fails),
		TEST(bootloader_empty_fails),
		TEST(bootloader_directory_fails),
		TEST(bootloader_escaping_link_fails),
		TEST(bootloader_coreos_skips),
		TEST(dirs_real_directories_pass),
		TEST(dirs_merged_usr_pass),
		TEST(dirs_without_lib64_pass),
		TEST(dirs_missing_sbin_fails),
		TEST(dirs_broken_lib64_link_fails),
		TEST(dirs_bin_is_a_file_fails),
		TEST(shadow_passes),
		TEST(shadow_missing_fails),
		TEST(shadow_directory_fails),
		TEST(shadow_immutable_fails),
		TEST(shadow_append_only_fails),
		TEST(shadow_mount_root_ro_fails),
		TEST(shadow_mount_root_defaults_passes),
		TEST(shadow_mount_etc_ro_fails),
		TEST(shadow_mount_live_passes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
