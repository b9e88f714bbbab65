/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The disk_space plugin: free space and free inodes on the root file
 * system, judged against the profile's thresholds (alibaba: fail below
 * 256 MiB, warn below 1024 MiB or 5 %; inodes: fail below 1000, warn
 * below 5 %).
 *
 * The program is linked with -Wl,--wrap=gp_sys_fstatvfs: the numbers
 * come from the statvfs this file sets, so every threshold can be
 * reached exactly.  The tree itself is a bare Debian root.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <sys/statvfs.h>

#include "harness.h"

#define MIB (1024ull * 1024)
#define BLOCK 4096ull
#define BLOCKS_PER_MIB (MIB / BLOCK)

/* What the wrapped fstatvfs() answers: the numbers, or an error. */
static struct statvfs fake;
static int fake_error;
static bool use_real;

int __wrap_gp_sys_fstatvfs(int fd, struct statvfs *ret);
int __real_gp_sys_fstatvfs(int fd, struct statvfs *ret);

int __wrap_gp_sys_fstatvfs(int fd, struct statvfs *ret)
{
	if (use_real)
		return __real_gp_sys_fstatvfs(fd, ret);
	if (fake_error)
		return fake_error;
	*ret = fake;
	return 0;
}

/* An ext4 file system with 4 KiB blocks and plenty of inodes. */
static int setup(void **state)
{
	char *tree = tree_new();

	tree_write(tree, "etc/os-release",
		   "NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"9\"\n");
	memset(&fake, 0, sizeof(fake));
	fake.f_bsize = BLOCK;
	fake.f_frsize = BLOCK;
	fake.f_blocks = 40960 * BLOCKS_PER_MIB;
	fake.f_bfree = fake.f_bavail = 20480 * BLOCKS_PER_MIB;
	fake.f_files = 2621440;
	fake.f_ffree = fake.f_favail = 2500000;
	fake.f_namemax = 255;
	fake_error = 0;
	use_real = false;
	*state = tree;
	return 0;
}

static int teardown(void **state)
{
	tree_free(*state);
	return 0;
}

/* Size and room in MiB; f_bfree keeps root's 5 % reserve on top. */
static void set_space(uint64_t total_mib, uint64_t avail_mib)
{
	fake.f_blocks = total_mib * BLOCKS_PER_MIB;
	fake.f_bavail = avail_mib * BLOCKS_PER_MIB;
	fake.f_bfree = fake.f_bavail + fake.f_blocks / 20;
}

static void set_inodes(uint64_t total, uint64_t avail)
{
	fake.f_files = total;
	fake.f_favail = fake.f_ffree = avail;
}

static void expect_with(void **state, const char *const *set, const char *id,
			enum gp_status status)
{
	struct harness *h = harness_run(*state, id, set);

	harness_expect(h, id, status);
	harness_free(h);
}

static void expect(void **state, const char *id, enum gp_status status)
{
	expect_with(state, NULL, id, status);
}

/* --- disk_space.free ------------------------------------------------ */

/* 20 of 40 GiB free. */
static void free_plenty_passes(void **state)
{
	struct harness *h;

	set_space(40960, 20480);
	h = harness_run(*state, "disk_space.free", NULL);
	harness_expect(h, "disk_space.free", GP_PASS);
	harness_expect_evidence(h, "disk_space.free",
				"5242880 of 10485760 blocks of 4096 bytes");
	harness_free(h);
}

/* 1000 MiB of a 10 GiB disk: 9 %, but under 1024 MiB. */
static void free_below_warn_mib_warns(void **state)
{
	set_space(10240, 1000);
	expect(state, "disk_space.free", GP_WARN);
}

/* 40 GiB free is only 4 % of a 1 TB disk. */
static void free_below_warn_pct_warns(void **state)
{
	set_space(1000000, 40000);
	expect(state, "disk_space.free", GP_WARN);
}

/* 200 MiB: first boot runs out of room. */
static void free_below_fail_mib_fails(void **state)
{
	set_space(10240, 200);
	expect(state, "disk_space.free", GP_FAIL);
}

/* A full disk, root's reserve aside. */
static void free_none_fails(void **state)
{
	set_space(10240, 0);
	expect(state, "disk_space.free", GP_FAIL);
}

/* Exactly 256 MiB is not below the failure threshold, one block less is. */
static void free_at_fail_mib_boundary(void **state)
{
	set_space(4096, 256);
	expect(state, "disk_space.free", GP_WARN);
	fake.f_bavail -= 1;
	expect(state, "disk_space.free", GP_FAIL);
}

/* Exactly 1024 MiB (10 %) passes; one block less warns. */
static void free_at_warn_mib_boundary(void **state)
{
	set_space(10240, 1024);
	expect(state, "disk_space.free", GP_PASS);
	fake.f_bavail -= 1;
	expect(state, "disk_space.free", GP_WARN);
}

/* Exactly 5 % of 100000 MiB passes; one block less is 4.99 %. */
static void free_at_warn_pct_boundary(void **state)
{
	set_space(100000, 5000);
	expect(state, "disk_space.free", GP_PASS);
	fake.f_bavail -= 1;
	expect(state, "disk_space.free", GP_WARN);
}

/*
 * Sizes are in fragments (f_frsize), not in f_bsize, which some file
 * systems report far larger: 200 MiB free must still fail.
 */
static void free_counts_fragments(void **state)
{
	set_space(10240, 200);
	fake.f_bsize = 1024 * 1024;
	expect(state, "disk_space.free", GP_FAIL);
}

/* A site that wants 10000 MiB free fails a disk with 5000 (5 %). */
static void free_profile_fail_mib(void **state)
{
	static const char *const set[] = { "disk_space.fail_free_mib=10000",
					    NULL };

	set_space(100000, 5000);
	expect(state, "disk_space.free", GP_PASS);
	expect_with(state, set, "disk_space.free", GP_FAIL);
}

static void free_profile_warn_pct(void **state)
{
	static const char *const set[] = { "disk_space.warn_free_pct=60",
					    NULL };

	set_space(40960, 20480);
	expect_with(state, set, "disk_space.free", GP_WARN);
}

/* Thresholds of 0 tolerate a full disk. */
static void free_profile_zero_thresholds(void **state)
{
	static const char *const set[] = {
		"disk_space.fail_free_mib=0", "disk_space.warn_free_mib=0",
		"disk_space.warn_free_pct=0", NULL,
	};

	set_space(10240, 0);
	expect_with(state, set, "disk_space.free", GP_PASS);
}

/* statvfs itself fails: the check could not run. */
static void free_statvfs_error(void **state)
{
	fake_error = -EIO;
	expect(state, "disk_space.free", GP_ERROR);
}

/* --- disk_space.inodes ---------------------------------------------- */

static void inodes_plenty_pass(void **state)
{
	set_inodes(2621440, 2500000);
	expect(state, "disk_space.inodes", GP_PASS);
}

/* 40000 free inodes are 4 % of a million. */
static void inodes_below_warn_pct_warn(void **state)
{
	set_inodes(1000000, 40000);
	expect(state, "disk_space.inodes", GP_WARN);
}

/* A mail spool ate the inodes: 999 left. */
static void inodes_below_fail_fail(void **state)
{
	set_inodes(655360, 999);
	expect(state, "disk_space.inodes", GP_FAIL);
}

/* Exactly 1000 free (10 % of a small file system) passes. */
static void inodes_at_fail_boundary(void **state)
{
	set_inodes(10000, 1000);
	expect(state, "disk_space.inodes", GP_PASS);
	set_inodes(10000, 999);
	expect(state, "disk_space.inodes", GP_FAIL);
}

/* Exactly 5 % passes; one inode less warns. */
static void inodes_at_warn_pct_boundary(void **state)
{
	set_inodes(100000, 5000);
	expect(state, "disk_space.inodes", GP_PASS);
	set_inodes(100000, 4999);
	expect(state, "disk_space.inodes", GP_WARN);
}

/* btrfs, xfs with dynamic inodes and others report no inode count. */
static void inodes_no_fixed_count_pass(void **state)
{
	set_inodes(0, 0);
	expect(state, "disk_space.inodes", GP_PASS);
}

static void inodes_profile_override(void **state)
{
	static const char *const set[] = {
		"disk_space.fail_free_inodes=100000", NULL,
	};

	set_inodes(1000000, 50000);
	expect(state, "disk_space.inodes", GP_PASS);
	expect_with(state, set, "disk_space.inodes", GP_FAIL);
}

static void inodes_statvfs_error(void **state)
{
	fake_error = -EIO;
	expect(state, "disk_space.inodes", GP_ERROR);
}

/* --- the real file system under TMPDIR ------------------------------ */

/* Whatever room this machine has, both checks judge it. */
static void real_file_system_judged(void **state)
{
	static const char *const ids[] = { "disk_space.free",
					    "disk_space.inodes" };
	struct harness *h;

	use_real = true;
	h = harness_run(*state, "disk_space", NULL);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		const struct gp_finding *f = harness_find(h, ids[i]);

		assert_non_null(f);
		assert_true(f->status == GP_PASS || f->status == GP_WARN ||
			    f->status == GP_FAIL);
	}
	harness_free(h);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(free_plenty_passes),
		TEST(free_below_warn_mib_warns),
		TEST(free_below_warn_pct_warns),
		TEST(free_below_fail_mib_fails),
		TEST(free_none_fails),
		TEST(free_at_fail_mib_boundary),
		TEST(free_at_warn_mib_boundary),
		TEST(free_at_warn_pct_boundary),
		TEST(free_counts_fragments),
		TEST(free_profile_fail_mib),
		TEST(free_profile_warn_pct),
		TEST(free_profile_zero_thresholds),
		TEST(free_statvfs_error),
		TEST(inodes_plenty_pass),
		TEST(inodes_below_warn_pct_warn),
		TEST(inodes_below_fail_fail),
		TEST(inodes_at_fail_boundary),
		TEST(inodes_at_warn_pct_boundary),
		TEST(inodes_no_fixed_count_pass),
		TEST(inodes_profile_override),
		TEST(inodes_statvfs_error),
		TEST(real_file_system_judged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
