/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bootloader plugin: root= on the kernel command line must survive
 * the move to a virtio disk; console= settings are reported.
 *
 * Installed systems are fixtures (tests/fixtures/bootloader/...); broken
 * variants are built at run time from copies.
 */
#include "config.h"

#include <blkid.h>
#include <string.h>

#include "harness.h"
#include "util.h"

#define LEGACY "boot/grub/grub.conf"
#define GRUB2 "boot/grub2/grub.cfg"
#define DEFGRUB "etc/default/grub"
#define U6 "a1c4e7f0-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define U7 "6b2f3c1e-8a4d-4f0e-9c7b-2d5e1a9f0b34"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

/* What the "live" device /dev/sda2 answers (libblkid, wrapped). */
#define LIVE_UUID "0c0ffee0-1111-4222-8333-444455556666"

char *__wrap_blkid_get_tag_value(blkid_cache cache, const char *tagname,
				 const char *devname);
char *__wrap_blkid_get_tag_value(blkid_cache cache, const char *tagname,
				 const char *devname)
{
	if (strcmp(tagname, "UUID") == 0 && strcmp(devname, "/dev/sda2") == 0)
		return strdup(LIVE_UUID);
	return NULL;
}

static void expect_fixture(const char *fixture, const char *id,
			   enum gp_status status)
{
	struct harness *h = harness_fixture(fixture, "bootloader");

	harness_expect(h, id, status);
	harness_free(h);
}

static void expect_tree(const char *tree, enum gp_status status)
{
	struct harness *h = harness_run(tree, "bootloader", NULL);

	harness_expect(h, "bootloader.root", status);
	harness_free(h);
}

/* A CentOS 6 tree whose grub.conf is @conf. */
static char *legacy_tree(const char *conf)
{
	char *tree = tree_kept(tree_copy("bootloader/centos6"));

	tree_write(tree, LEGACY, conf);
	return tree;
}

/* A CentOS 7 tree whose grub.cfg has one entry booting root=@root. */
static char *grub2_tree(const char *root)
{
	char *tree = tree_kept(tree_copy("bootloader/centos7"));
	char *cfg = strprintf(
		"set default=\"${saved_entry}\"\n"
		"menuentry 'CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)' {\n"
		"\tinsmod xfs\n"
		"\tlinux16 /vmlinuz-3.10.0-1160.el7.x86_64 root=%s ro quiet\n"
		"\tinitrd16 /initramfs-3.10.0-1160.el7.x86_64.img\n"
		"}\n", root);

	tree_write(tree, GRUB2, cfg);
	free(cfg);
	return tree;
}

/* --- bootloader.root ------------------------------------------------ */

static void root_centos7_uuid_passes(void **state)
{
	struct harness *h = harness_fixture("bootloader/centos7", "bootloader");

	harness_expect(h, "bootloader.root", GP_PASS);
	harness_expect_evidence(h, "bootloader.root",
				"/boot/grub2/grub.cfg:44: root=UUID=" U7);
	harness_free(h);
}

static void root_ubuntu_uuid_passes(void **state)
{
	expect_fixture("bootloader/ubuntu1804", "bootloader.root", GP_PASS);
}

static void root_lvm_passes(void **state)
{
	struct harness *h = harness_fixture("bootloader/centos7-lvm",
					    "bootloader");

	harness_expect(h, "bootloader.root", GP_PASS);
	harness_expect_evidence(h, "bootloader.root",
				"root=/dev/mapper/centos-root");
	harness_free(h);
	/* /dev/VG/LV and md arrays do not depend on the disk driver. */
	expect_tree(grub2_tree("/dev/VolGroup/lv_root"), GP_PASS);
	expect_tree(grub2_tree("/dev/md0"), GP_PASS);
	expect_tree(grub2_tree("LABEL=root"), GP_PASS);
}

static void root_centos6_legacy_uuid_passes(void **state)
{
	expect_fixture("bootloader/centos6", "bootloader.root", GP_PASS);
}

static void root_legacy_sd_fails(void **state)
{
	struct harness *h = harness_fixture("bootloader/centos6-sda",
					    "bootloader");

	harness_expect(h, "bootloader.root", GP_FAIL);
	harness_expect_evidence(h, "bootloader.root",
				"/boot/grub/grub.conf:16: root=/dev/sda2");
	harness_free(h);
}

static void root_legacy_hd_and_xvd_fail(void **state)
{
	expect_tree(legacy_tree("default=0\ntimeout=5\ntitle CentOS\n"
				"\troot (hd0,0)\n"
				"\tkernel /vmlinuz ro root=/dev/hda1\n"),
		    GP_FAIL);
	expect_tree(legacy_tree("default=0\ntitle CentOS\n"
				"\troot (hd0,0)\n"
				"\tkernel /vmlinuz ro root=/dev/xvda1 console=hvc0\n"),
		    GP_FAIL);
}

static void root_grub2_sd_hd_xvd_fail(void **state)
{
	struct harness *h = harness_fixture("bootloader/centos7-sda",
					    "bootloader");

	harness_expect(h, "bootloader.root", GP_FAIL);
	harness_expect_evidence(h, "bootloader.root",
				"GRUB_DISABLE_LINUX_UUID=true");
	harness_expect_evidence(h, "bootloader.root", "root=/dev/sda1");
	harness_free(h);
	expect_tree(grub2_tree("/dev/hda1"), GP_FAIL);
	expect_tree(grub2_tree("/dev/xvda1"), GP_FAIL);
}

/* grub.cfg is fine today, but the next grub2-mkconfig writes /dev/sda. */
static void root_disable_linux_uuid_fails(void **state)
{
	char *tree = tree_kept(tree_copy("bootloader/centos7"));
	struct harness *h;

	tree_write(tree, DEFGRUB, "GRUB_TIMEOUT=5\nGRUB_DISABLE_LINUX_UUID=true\n");
	h = harness_run(tree, "bootloader", NULL);
	harness_expect(h, "bootloader.root", GP_FAIL);
	harness_expect_evidence(h, "bootloader.root",
				"/etc/default/grub:2: GRUB_DISABLE_LINUX_UUID=true");
	harness_free(h);
}

static void root_in_default_grub_fails(void **state)
{
	char *tree = tree_kept(tree_copy("bootloader/centos7"));

	tree_write(tree, DEFGRUB, "GRUB_CMDLINE_LINUX=\"root=/dev/sda1 quiet\"\n");
	expect_tree(tree, GP_FAIL);
}

/* Only the second (non-default) entry is bad: a warning. */
static void root_other_entry_warns(void **state)
{
	char *tree = legacy_tree("default=0\ntimeout=5\n"
				 "title new\n\troot (hd0,0)\n"
				 "\tkernel /vmlinuz-2 ro root=UUID=" U6 "\n"
				 "title old\n\troot (hd0,0)\n"
				 "\tkernel /vmlinuz-1 ro root=/dev/sda2\n");

	expect_tree(tree, GP_WARN);
	/* default=1 makes the bad one the default. */
	tree = legacy_tree("default=1\ntimeout=5\n"
			   "title new\n\troot (hd0,0)\n"
			   "\tkernel /vmlinuz-2 ro root=UUID=" U6 "\n"
			   "title old\n\troot (hd0,0)\n"
			   "\tkernel /vmlinuz-1 ro root=/dev/sda2\n");
	expect_tree(tree, GP_FAIL);
}

static void root_no_grub_skips(void **state)
{
	char *tree = tree_kept(tree_new());
	struct harness *h;

	tree_write(tree, "etc/os-release", "ID=centos\nVERSION_ID=\"7\"\n");
	h = harness_run(tree, "bootloader", NULL);
	harness_expect(h, "bootloader.root", GP_SKIP);
	harness_expect(h, "bootloader.console", GP_SKIP);
	harness_free(h);
}

static void root_garbled_config_no_crash(void **state)
{
	char *tree = tree_kept(tree_copy("bootloader/centos7"));
	char junk[2048];
	uint32_t x = 88172645u;

	for (size_t i = 0; i < sizeof(junk) - 1; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (char)(x % 255 + 1);
	}
	junk[sizeof(junk) - 1] = '\0';
	tree_write(tree, GRUB2, junk);
	expect_tree(tree, GP_WARN);
	tree_write(tree, GRUB2, "menuentry 'x' {\n\tlinux\n}\n}\n}\nlinux16 root=\n"
				"set default=\n{{{{\n");
	expect_tree(tree, GP_WARN);
}

/* --- bootloader.console --------------------------------------------- */

static void console_evidence(void **state)
{
	struct harness *h = harness_fixture("bootloader/centos7", "bootloader");

	harness_expect(h, "bootloader.console", GP_PASS);
	harness_expect_evidence(h, "bootloader.console",
				"grub.cfg:44: console=ttyS0,115200n8");
	harness_expect_evidence(h, "bootloader.console",
				"GRUB_CMDLINE_LINUX=\"crashkernel=auto");
	harness_expect_evidence(h, "bootloader.console",
				"GRUB_TERMINAL_OUTPUT=\"console\"");
	harness_free(h);
	h = harness_fixture("bootloader/centos6", "bootloader");
	harness_expect_evidence(h, "bootloader.console",
				"grub.conf:16: console=ttyS0,115200");
	harness_free(h);
}

/* --- the fixer ------------------------------------------------------ */

static char *read_fixture(const char *fixture, const char *path)
{
	char *p = strprintf("%s/%s/%s", FIXTURES_DIR, fixture, path);
	char *text = NULL;
	FILE *f = fopen(p, "re");
	size_t size = 0;

	assert_non_null(f);
	assert_true(getdelim(&text, &size, '\0', f) > 0);
	fclose(f);
	free(p);
	return text;
}

static char *replace(const char *text, const char *from, const char *to)
{
	char *out = strdup(text);

	for (char *p = out; (p = strstr(p, from));) {
		char *n = strprintf("%.*s%s%s", (int)(p - out), out, to,
				    p + strlen(from));
		size_t at = (size_t)(p - out) + strlen(to);

		free(out);
		out = n;
		p = out + at;
	}
	return out;
}

/* Offline: the UUID comes from /etc/fstab's "/" entry; via menu.lst. */
static void fix_legacy_uses_fstab_uuid(void **state)
{
	char *tree = tree_kept(tree_copy("bootloader/centos6-sda"));
	char *before = read_fixture("bootloader/centos6-sda", LEGACY);
	char *orig = read_fixture("bootloader/centos6", LEGACY);
	/* Only kernel lines change: the comment naming /dev/sda2 stays. */
	char *after = replace(orig, "QQQ", "QQQ");
	struct harness *h = harness_plan(tree, "bootloader", NULL);
	const struct gp_change *c = harness_planned(h, "/" LEGACY);

	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_WRITE);
	assert_string_equal(c->old_data, before);
	assert_string_equal(c->data, after);
	assert_int_equal(h->plan.n_changes, 1);
	harness_round_trip(h, "bootloader", NULL, "bootloader.root",
			   harness_no_commands);
	free(before);
	free(orig);
	free(after);
}

static void fix_grub2_edits_cfg_and_default(void **state)
{
	char *tree = tree_kept(tree_copy("bootloader/centos7-sda"));
	char *cfg = read_fixture("bootloader/centos7", GRUB2);
	char *dg = read_fixture("bootloader/centos7", DEFGRUB);
	char *dg_after = strprintf("%sGRUB_DISABLE_LINUX_UUID=false\n", dg);
	struct harness *h = harness_plan(tree, "bootloader", NULL);
	const struct gp_change *c = harness_planned(h, "/" GRUB2);
	const struct gp_change *d = harness_planned(h, "/" DEFGRUB);

	assert_non_null(c);
	assert_non_null(d);
	assert_string_equal(c->data, cfg);
	assert_string_equal(d->data, dg_after);
	assert_int_equal(h->plan.n_changes, 2);
	harness_round_trip(h, "bootloader", NULL, "bootloader.root",
			   harness_no_commands);
	free(cfg);
	free(dg);
	free(dg_after);
}

/* Offline with /dev/sda2 in fstab as well: no sound UUID, no plan. */
static void fix_offline_without_uuid_is_not_fixable(void **state)
{
	char *tree = tree_kept(tree_copy("bootloader/centos6-sda"));
	struct harness *h;
	const struct gp_finding *f;

	tree_write(tree, "etc/fstab", "/dev/sda2 / ext4 defaults 1 1\n");
	h = harness_plan(tree, "bootloader", NULL);
	f = harness_find(h, "bootloader.root");
	assert_non_null(f);
	assert_false(f->fixable);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* Run the checks and plan as on a live system, where devices answer. */
static struct harness *plan_live(const char *tree)
{
	struct harness *h = harness_run(tree, "bootloader", NULL);

	report_done(&h->report);
	h->host.live = true;
	assert_int_equal(runner_run(&h->ctx), 0);
	h->ctx.plan = &h->plan;
	assert_int_equal(runner_plan_fixes(&h->ctx), 0);
	return h;
}

/* Live, the device itself gives the UUID, even when fstab has none. */
static void fix_live_asks_the_device(void **state)
{
	char *tree = tree_kept(tree_copy("bootloader/centos6-sda"));
	char *before, *after;
	struct harness *h;
	const struct gp_change *c;

	tree_write(tree, "etc/fstab", "/dev/sda2 / ext4 defaults 1 1\n");
	before = read_fixture("bootloader/centos6-sda", LEGACY);
	/* Kernel lines only: the comment that names /dev/sda2 stays. */
	after = replace(before, "ro root=/dev/sda2 rd_NO_LUKS",
			"ro root=UUID=" LIVE_UUID " rd_NO_LUKS");
	h = plan_live(tree);
	harness_expect(h, "bootloader.root", GP_FAIL);
	assert_true(harness_find(h, "bootloader.root")->fixable);
	c = harness_planned(h, "/" LEGACY);
	assert_non_null(c);
	assert_string_equal(c->data, after);
	assert_int_equal(h->plan.n_changes, 1);
	harness_free(h);
	free(before);
	free(after);
}

static void fix_nothing_when_fine(void **state)
{
	static const char *const fine[] = {
		"centos7", "centos7-lvm", "ubuntu1804", "centos6",
	};

	for (size_t i = 0; i < ARRAY_SIZE(fine); i++) {
		char *dir = strprintf("%s/bootloader/%s", FIXTURES_DIR, fine[i]);
		struct harness *h = harness_plan(dir, "bootloader", NULL);

		assert_int_equal(h->plan.n_changes, 0);
		harness_free(h);
		free(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(root_centos7_uuid_passes),
		TEST(root_ubuntu_uuid_passes),
		TEST(root_lvm_passes),
		TEST(root_centos6_legacy_uuid_passes),
		TEST(root_legacy_sd_fails),
		TEST(root_legacy_hd_and_xvd_fail),
		TEST(root_grub2_sd_hd_xvd_fail),
		TEST(root_disable_linux_uuid_fails),
		TEST(root_in_default_grub_fails),
		TEST(root_other_entry_warns),
		TEST(root_no_grub_skips),
		TEST(root_garbled_config_no_crash),
		TEST(console_evidence),
		TEST(fix_legacy_uses_fstab_uuid),
		TEST(fix_grub2_edits_cfg_and_default),
		TEST(fix_offline_without_uuid_is_not_fixable),
		TEST(fix_live_asks_the_device),
		TEST(fix_nothing_when_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
