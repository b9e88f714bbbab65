/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio plugin and the kernel module (kernels.h): installed kernels,
 * their initramfs and default entry, drivers built in or as modules,
 * what each initramfs holds, Xen PV kernels, and the fixer, through the
 * journal.
 *
 * Fixture trees (tests/fixtures/virtio/) hold the kernels' module trees
 * and bootloader configurations of Debian 12, RHEL 9, SLES 11 and CentOS
 * 5; their initramfs images are built here, at run time, with
 * libarchive's writer: an early-microcode cpio, then the main cpio
 * compressed, holding the modules a test asks for.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestprep/kernels.h"
#include "harness.h"
#include "journal.h"
#include "util.h"

#define DEB_NEW "6.1.0-13-amd64"
#define DEB_OLD "5.10.0-26-amd64"
#define EL9_NEW "5.14.0-284.11.1.el9_2.x86_64"
#define EL9_OLD "5.14.0-162.6.1.el9_1.x86_64"
#define SLES "2.6.32.12-0.7-default"
#define SLES_XEN "2.6.32.12-0.7-xen"
#define EL5 "2.6.18-398.el5"
#define EL5_XEN "2.6.18-398.el5xen"

/* What the Debian 6.1 kernel needs in its image (modules.dep). */
static const char *const deb_new_mods[] = {
	"block/virtio_blk.ko", "virtio/virtio_pci.ko", "virtio/virtio.ko",
	"virtio/virtio_ring.ko", "virtio/virtio_pci_modern_dev.ko",
	"virtio/virtio_pci_legacy_dev.ko", "net/virtio_net.ko", NULL,
};
static const char *const deb_old_mods[] = {
	"block/virtio_blk.ko", "virtio/virtio_pci.ko", "virtio/virtio.ko",
	"virtio/virtio_ring.ko", NULL,
};

/* --- building initramfs images -------------------------------------- */

/* libarchive's write callback: into the struct harness_buf @data. */
static la_ssize_t buf_write(struct archive *a, void *data, const void *p,
			    size_t n)
{
	(void)a;
	harness_buf_add(data, p, n);
	return (la_ssize_t)n;
}

enum comp { C_NONE, C_GZIP, C_XZ, C_LZMA, C_ZSTD, C_BZIP2 };

static void add_file(struct archive *a, const char *path, bool dir)
{
	struct archive_entry *e = archive_entry_new();
	static const char content[] = "\x7f" "ELF module stand-in\n";

	archive_entry_set_pathname(e, path);
	archive_entry_set_mode(e, dir ? S_IFDIR | 0755 : S_IFREG | 0644);
	archive_entry_set_size(e, dir ? 0 : (la_int64_t)sizeof(content));
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (!dir)
		assert_int_equal(archive_write_data(a, content,
						    sizeof(content)),
				 (la_ssize_t)sizeof(content));
	archive_entry_free(e);
}

static void cpio_open(struct archive **ret, struct harness_buf *b, enum comp c)
{
	struct archive *a = archive_write_new();
	int r = ARCHIVE_OK;

	assert_non_null(a);
	assert_int_equal(archive_write_set_format_cpio_newc(a), ARCHIVE_OK);
	if (c == C_GZIP)
		r = archive_write_add_filter_gzip(a);
	else if (c == C_XZ)
		r = archive_write_add_filter_xz(a);
	else if (c == C_LZMA)
		r = archive_write_add_filter_lzma(a);
	else if (c == C_ZSTD)
		r = archive_write_add_filter_zstd(a);
	else if (c == C_BZIP2)
		r = archive_write_add_filter_bzip2(a);
	assert_int_equal(r, ARCHIVE_OK);
	archive_write_set_bytes_per_block(a, 0);
	assert_int_equal(archive_write_open(a, b, NULL, buf_write, NULL),
			 ARCHIVE_OK);
	*ret = a;
}

static void cpio_close(struct archive *a)
{
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/*
 * /boot/@image in @tree: with an early microcode archive when @ucode,
 * then the main archive (@c) holding kernel/drivers/@mods of @version.
 */
static void write_image(const char *tree, const char *image,
			const char *version, enum comp c, bool ucode,
			const char *const *mods)
{
	struct archive *a;
	struct harness_buf b = { 0 };

	if (ucode) {
		cpio_open(&a, &b, C_NONE);
		add_file(a, "kernel", true);
		add_file(a, "kernel/x86/microcode/GenuineIntel.bin", false);
		cpio_close(a);
	}
	cpio_open(&a, &b, c);
	add_file(a, "init", false);
	add_file(a, "usr/lib/modules", true);
	for (size_t i = 0; mods && mods[i]; i++) {
		char *p = strprintf("usr/lib/modules/%s/kernel/drivers/%s",
				    version, mods[i]);

		add_file(a, p, false);
		free(p);
	}
	cpio_close(a);
	tree_write_bytes(tree, image, b.data, b.len);
	free(b.data);
}

/* @mods without the entries that end with @drop. */
static const char **without(const char *const *mods, const char *drop)
{
	static const char *v[16];
	size_t n = 0;

	for (size_t i = 0; mods[i]; i++)
		if (!endswith(mods[i], drop))
			v[n++] = mods[i];
	v[n] = NULL;
	return v;
}

/* A Debian 12 copy whose images hold @new_mods and @old_mods. */
static char *debian(const char *const *new_mods, const char *const *old_mods)
{
	char *tree = tree_kept(tree_copy("virtio/debian12"));

	if (new_mods)
		write_image(tree, "/boot/initrd.img-" DEB_NEW, DEB_NEW, C_ZSTD,
			    true, new_mods);
	if (old_mods)
		write_image(tree, "/boot/initrd.img-" DEB_OLD, DEB_OLD, C_GZIP,
			    true, old_mods);
	return tree;
}

static struct harness *check(const char *tree, const char *const *set)
{
	return harness_run(tree, "virtio", set);
}

static void expect4(const char *tree, enum gp_status kernels,
		    enum gp_status drivers, enum gp_status initramfs,
		    enum gp_status xen)
{
	struct harness *h = check(tree, NULL);

	harness_expect(h, "virtio.kernels", kernels);
	harness_expect(h, "virtio.drivers", drivers);
	harness_expect(h, "virtio.initramfs", initramfs);
	harness_expect(h, "virtio.xen_pv", xen);
	harness_free(h);
}

static void expect_initramfs(const char *tree, enum gp_status status)
{
	struct harness *h = harness_run(tree, "virtio.initramfs", NULL);

	harness_expect(h, "virtio.initramfs", status);
	harness_free(h);
}

static void edit(const char *tree, const char *path, const char *from,
		 const char *to)
{
	char *text = tree_read(tree, path), *out;
	char *hit = strstr(text, from);

	if (!hit)
		fail_msg("%s: no \"%s\"", path, from);
	out = strprintf("%.*s%s%s", (int)(hit - text), text, to,
			hit + strlen(from));
	tree_write(tree, path, out);
	free(out);
	free(text);
}

/* --- virtio.initramfs ------------------------------------------------ */

static void debian_complete_passes(void **state)
{
	char *tree = debian(deb_new_mods, deb_old_mods);
	struct harness *h;

	expect4(tree, GP_PASS, GP_PASS, GP_PASS, GP_PASS);
	h = check(tree, NULL);
	harness_expect_evidence(h, "virtio.kernels", "/boot/grub/grub.cfg");
	harness_expect_evidence(h, "virtio.initramfs", "none + zstd");
	harness_expect_none(h, "virtio.initramfs.rebuild");
	harness_free(h);
}

/* The default kernel's image lacks virtio_blk: fails, fixable. */
static void debian_default_lacks_blk_fails(void **state)
{
	char *tree = debian(without(deb_new_mods, "virtio_blk.ko"),
			    deb_old_mods);
	struct harness *h = check(tree, NULL);

	harness_expect(h, "virtio.initramfs", GP_FAIL);
	assert_true(harness_fixable(h, "virtio.initramfs"));
	harness_expect_evidence(h, "virtio.initramfs", "lacks virtio_blk");
	harness_free(h);
}

/* Only another kernel lacks them: a warning (virtio.other_kernels). */
static void debian_other_kernel_warns(void **state)
{
	char *tree = debian(deb_new_mods, without(deb_old_mods,
						  "virtio_pci.ko"));
	static const char *const strict[] = { "virtio.other_kernels=fail",
					      NULL };
	struct harness *h;

	expect_initramfs(tree, GP_WARN);
	h = check(tree, strict);
	harness_expect(h, "virtio.initramfs", GP_FAIL);
	harness_free(h);
}

/* A module virtio_pci needs (modules.dep) is missing: it cannot load. */
static void debian_dependency_missing_fails(void **state)
{
	char *tree = debian(without(deb_new_mods, "modern_dev.ko"),
			    deb_old_mods);

	expect_initramfs(tree, GP_FAIL);
}

static void missing_image_fails(void **state)
{
	char *tree = debian(NULL, deb_old_mods);

	expect_initramfs(tree, GP_FAIL);
}

/* Garbage, a truncated image, a FIFO, a directory: fail, not crash. */
static void unreadable_images_fail(void **state)
{
	char *tree = debian(deb_new_mods, deb_old_mods);
	char *path = tree_file(tree, "/boot/initrd.img-" DEB_NEW);
	struct harness *h;

	tree_write(tree, "/boot/initrd.img-" DEB_NEW,
		   "\x1f\x8b\x08 this is not gzip at all");
	h = check(tree, NULL);
	harness_expect(h, "virtio.initramfs", GP_FAIL);
	harness_expect_evidence(h, "virtio.initramfs", "cannot be read");
	harness_free(h);

	write_image(tree, "/boot/initrd.img-" DEB_NEW, DEB_NEW, C_XZ, true,
		    deb_new_mods);
	assert_int_equal(truncate(path, 300), 0);
	expect_initramfs(tree, GP_FAIL);

	tree_remove(tree, "/boot/initrd.img-" DEB_NEW);
	tree_mkfifo(tree, "/boot/initrd.img-" DEB_NEW);
	expect_initramfs(tree, GP_FAIL);
	tree_remove(tree, "/boot/initrd.img-" DEB_NEW);
	tree_mkdir(tree, "/boot/initrd.img-" DEB_NEW);
	expect_initramfs(tree, GP_FAIL);
	free(path);
}

/* Every compression, with and without the microcode archive in front. */
static void every_compression(void **state)
{
	static const enum comp comps[] = {
		C_NONE, C_GZIP, C_XZ, C_LZMA, C_ZSTD, C_BZIP2,
	};
	char *tree = debian(NULL, deb_old_mods);

	for (size_t i = 0; i < ARRAY_SIZE(comps); i++) {
		for (int ucode = 0; ucode < 2; ucode++) {
			write_image(tree, "/boot/initrd.img-" DEB_NEW, DEB_NEW,
				    comps[i], ucode, deb_new_mods);
			expect_initramfs(tree, GP_PASS);
			write_image(tree, "/boot/initrd.img-" DEB_NEW, DEB_NEW,
				    comps[i], ucode,
				    without(deb_new_mods, "virtio_blk.ko"));
			expect_initramfs(tree, GP_FAIL);
		}
	}
}

/* RHEL 9: virtio_pci built in (modules.builtin): only virtio_blk needed. */
static void rhel_builtin_needs_only_blk(void **state)
{
	static const char *const blk[] = { "block/virtio_blk.ko.xz", NULL };
	char *tree = tree_kept(tree_copy("virtio/rhel9"));

	write_image(tree, "/boot/initramfs-" EL9_NEW ".img", EL9_NEW, C_ZSTD,
		    true, blk);
	write_image(tree, "/boot/initramfs-" EL9_OLD ".img", EL9_OLD, C_XZ,
		    true, blk);
	/* kdump images hold other things: they are not looked at. */
	write_image(tree, "/boot/initramfs-" EL9_NEW "kdump.img", EL9_NEW,
		    C_GZIP, false, NULL);
	expect4(tree, GP_PASS, GP_PASS, GP_PASS, GP_PASS);

	write_image(tree, "/boot/initramfs-" EL9_NEW ".img", EL9_NEW, C_ZSTD,
		    true, NULL);
	expect_initramfs(tree, GP_FAIL);
}

/* SLES 11: no modules.builtin; /boot/config-V says what is built in. */
static void config_builtin_needs_no_image(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/sles11"));
	const char *cfg = "/boot/config-" SLES;

	expect_initramfs(tree, GP_FAIL);	/* no image, modules */
	edit(tree, cfg, "CONFIG_VIRTIO_BLK=m", "CONFIG_VIRTIO_BLK=y");
	edit(tree, cfg, "CONFIG_VIRTIO=m", "CONFIG_VIRTIO=y");
	edit(tree, cfg, "CONFIG_VIRTIO_PCI=m", "CONFIG_VIRTIO_PCI=y");
	/* virtio_ring is part of CONFIG_VIRTIO. */
	expect_initramfs(tree, GP_WARN);	/* the Xen kernel still lacks */
	edit(tree, "/boot/config-" SLES_XEN, "CONFIG_VIRTIO_BLK=m",
	     "CONFIG_VIRTIO_BLK=y");
	edit(tree, "/boot/config-" SLES_XEN, "CONFIG_VIRTIO=m",
	     "CONFIG_VIRTIO=y");
	edit(tree, "/boot/config-" SLES_XEN, "CONFIG_VIRTIO_PCI=m",
	     "CONFIG_VIRTIO_PCI=y");
	expect_initramfs(tree, GP_PASS);
}

/* On a Xen cloud the front-ends count; on KVM they do not. */
static void xen_frontends_count_where_profile_says(void **state)
{
	static const char *const xen[] = { "block/xen-blkfront.ko", NULL };
	static const char *const on_xen[] = {
		"virtio.xen_frontends=xen_blkfront", NULL,
	};
	char *tree = tree_kept(tree_copy("virtio/sles11"));
	struct harness *h;

	write_image(tree, "/boot/initrd-" SLES, SLES, C_GZIP, false, xen);
	write_image(tree, "/boot/initrd-" SLES_XEN, SLES_XEN, C_GZIP, false,
		    xen);
	expect_initramfs(tree, GP_FAIL);
	h = check(tree, on_xen);
	harness_expect(h, "virtio.initramfs", GP_PASS);
	harness_free(h);
}

/* --- virtio.drivers ---------------------------------------------------- */

static void drivers_missing_from_kernel(void **state)
{
	char *tree = debian(deb_new_mods, deb_old_mods);

	/* The older kernel loses virtio_net: a warning. */
	edit(tree, "/lib/modules/" DEB_OLD "/modules.dep",
	     "kernel/drivers/net/virtio_net.ko: kernel/drivers/virtio/"
	     "virtio_ring.ko kernel/drivers/virtio/virtio.ko\n", "");
	expect4(tree, GP_PASS, GP_WARN, GP_PASS, GP_PASS);
	/* The default one loses virtio_blk: a failure, not mendable. */
	edit(tree, "/lib/modules/" DEB_NEW "/modules.dep",
	     "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/"
	     "virtio_ring.ko kernel/drivers/virtio/virtio.ko\n", "");
	{
		struct harness *h = check(tree, NULL);

		harness_expect(h, "virtio.drivers", GP_FAIL);
		harness_expect(h, "virtio.initramfs", GP_FAIL);
		assert_false(harness_fixable(h, "virtio.initramfs"));
		harness_free(h);
	}
}

/* virtio_scsi (since 3.4) is reported, never required. */
static void optional_module_only_noted(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/centos5"));
	struct harness *h = check(tree, NULL);

	harness_expect(h, "virtio.drivers", GP_PASS);
	harness_expect_evidence(h, "virtio.drivers", "virtio_scsi");
	harness_free(h);
}

/* Without modules.dep the tree is searched: .ko, .ko.gz, .ko.xz, .ko.zst. */
static void module_suffixes(void **state)
{
	static const char *const suffixes[] = { ".ko", ".ko.gz", ".ko.xz",
						".ko.zst" };

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		char *tree = tree_kept(tree_copy("virtio/centos5"));
		const struct gp_root *root;
		struct gp_kernels ks = { 0 };
		struct gp_kmod m = { 0 };
		struct harness *h;
		char *from = strprintf("/lib/modules/" EL5 "/kernel/drivers/"
				       "block/virtio_blk.ko");
		char *to = strprintf("%.*s%s", (int)strlen(from) - 3, from,
				     suffixes[i]);
		char *ffrom = tree_file(tree, from), *fto = tree_file(tree, to);

		assert_int_equal(rename(ffrom, fto), 0);
		h = check(tree, NULL);
		root = h->root;
		assert_int_equal(gp_kernels_find(root, &ks), 0);
		assert_int_equal(gp_kernel_module(root, gp_kernels_get(&ks, EL5),
						  "virtio-blk", &m), 0);
		assert_int_equal(m.state, GP_KMOD_LOADABLE);
		assert_string_equal(m.path, to);
		harness_expect(h, "virtio.drivers", GP_PASS);
		gp_kmod_done(&m);
		gp_kernels_done(&ks);
		harness_free(h);
		free(from);
		free(to);
		free(ffrom);
		free(fto);
	}
	/* And gone altogether: the default kernel lacks it. */
	{
		char *tree = tree_kept(tree_copy("virtio/centos5"));

		tree_remove(tree, "/lib/modules/" EL5 "/kernel/drivers/block/"
				  "virtio_blk.ko");
		expect4(tree, GP_PASS, GP_FAIL, GP_FAIL, GP_WARN);
	}
}

/* --- kernels, images and the default entry -------------------------- */

static struct gp_kernels find(const char *tree)
{
	struct gp_kernels ks = { 0 };
	struct gp_root *root = NULL;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_kernels_find(root, &ks), 0);
	gp_root_free(root);
	return ks;
}

static void expect_default(const char *tree, const char *version,
			   bool guessed)
{
	struct gp_kernels ks = find(tree);

	assert_non_null(ks.def);
	if (strcmp(ks.def->version, version) != 0)
		fail_msg("default %s, expected %s (%s)", ks.def->version,
			 version, ks.def_source);
	assert_int_equal(ks.def_guessed, guessed);
	gp_kernels_done(&ks);
}

static void image_naming(void **state)
{
	static const struct {
		const char *fixture, *version, *image;
	} cases[] = {
		{ "virtio/debian12", DEB_NEW, "/boot/initrd.img-" DEB_NEW },
		{ "virtio/rhel9", EL9_NEW, "/boot/initramfs-" EL9_NEW ".img" },
		{ "virtio/sles11", SLES, "/boot/initrd-" SLES },
		{ "virtio/centos5", EL5, "/boot/initrd-" EL5 ".img" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *tree = tree_kept(tree_copy(cases[i].fixture));
		struct gp_kernels ks;
		struct gp_kernel *k;

		tree_write(tree, cases[i].image, "image\n");
		/* Decoys: kdump, a backup, another kernel's. */
		tree_write(tree, "/boot/initramfs-9.9.9kdump.img", "x");
		tree_write(tree, "/boot/initrd.img-1.0.dpkg-bak", "x");
		/* What a removed kernel leaves behind: no kernel. */
		tree_write(tree, "/lib/modules/9.9.9-old/updates/dkms/x.ko",
			   "");
		ks = find(tree);
		assert_int_equal(ks.n, 2);	/* no rescue, kdump, leftover */
		assert_null(gp_kernels_get(&ks, "9.9.9-old"));
		k = gp_kernels_get(&ks, cases[i].version);
		assert_non_null(k);
		assert_non_null(k->initramfs);
		assert_string_equal(k->initramfs, cases[i].image);
		assert_non_null(k->image);
		assert_non_null(k->modules_dir);
		gp_kernels_done(&ks);
	}
}

static void default_grub2(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/debian12"));
	const char *cfg = "/boot/grub/grub.cfg";

	expect_default(tree, DEB_NEW, false);
	/* By index into the submenu. */
	edit(tree, cfg, "set default=\"0\"", "set default=\"1>2\"");
	expect_default(tree, DEB_OLD, false);
	/* By title path. */
	edit(tree, cfg, "set default=\"1>2\"",
	     "set default=\"Advanced options for Debian GNU/Linux>Debian "
	     "GNU/Linux, with Linux 5.10.0-26-amd64\"");
	expect_default(tree, DEB_OLD, false);
	/* By id path. */
	edit(tree, cfg, "set default=\"Advanced options for Debian GNU/Linux>"
	     "Debian GNU/Linux, with Linux 5.10.0-26-amd64\"",
	     "set default=\"gnulinux-advanced-0b6c1a6f>gnulinux-5.10.0-26-"
	     "amd64-advanced-0b6c1a6f\"");
	expect_default(tree, DEB_OLD, false);
	/* GRUB_DEFAULT=saved: grubenv. */
	edit(tree, cfg, "set default=\"gnulinux-advanced-0b6c1a6f>gnulinux-"
	     "5.10.0-26-amd64-advanced-0b6c1a6f\"",
	     "set default=\"${saved_entry}\"");
	tree_write(tree, "/boot/grub/grubenv",
		   "# GRUB Environment Block\nsaved_entry=1>2\n#########\n");
	expect_default(tree, DEB_OLD, false);
	/* Nothing saved: the first entry. */
	tree_write(tree, "/boot/grub/grubenv", "# GRUB Environment Block\n");
	expect_default(tree, DEB_NEW, false);
	/* An entry that names no installed kernel: the newest, said. */
	edit(tree, cfg, "set default=\"${saved_entry}\"",
	     "set default=\"no such entry\"");
	expect_default(tree, DEB_NEW, true);
	/* No bootloader configuration at all. */
	tree_remove(tree, cfg);
	expect_default(tree, DEB_NEW, true);
}

static void default_bls(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/rhel9"));

	expect_default(tree, EL9_NEW, false);
	tree_write(tree, "/boot/grub2/grubenv",
		   "# GRUB Environment Block\nsaved_entry=4c3d2b1a-" EL9_OLD
		   "\n");
	expect_default(tree, EL9_OLD, false);
	/* Nothing saved: the first BLS entry, the newest kernel. */
	tree_remove(tree, "/boot/grub2/grubenv");
	expect_default(tree, EL9_NEW, false);
}

static void default_legacy(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/sles11"));
	char *c5 = tree_kept(tree_copy("virtio/centos5"));

	expect_default(tree, SLES, false);
	/* The Xen entry: its kernel is the first "module" line. */
	edit(tree, "/boot/grub/menu.lst", "default 0", "default 1");
	expect_default(tree, SLES_XEN, false);
	edit(tree, "/boot/grub/menu.lst", "default 1", "default saved");
	tree_write(tree, "/boot/grub/default", "1\n");
	expect_default(tree, SLES_XEN, false);

	expect_default(c5, EL5, false);
	edit(c5, "/boot/grub/grub.conf", "default=0", "default=1");
	expect_default(c5, EL5_XEN, false);
}

/* --- virtio.xen_pv --------------------------------------------------- */

static void xen_pv(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/centos5"));
	struct harness *h = check(tree, NULL);

	harness_expect(h, "virtio.xen_pv", GP_WARN);
	harness_expect_evidence(h, "virtio.xen_pv", EL5_XEN);
	harness_free(h);
	edit(tree, "/boot/grub/grub.conf", "default=0", "default=1");
	h = check(tree, NULL);
	harness_expect(h, "virtio.xen_pv", GP_FAIL);
	harness_free(h);
	expect4(FIXTURES_DIR "/virtio/rhel9", GP_PASS, GP_PASS, GP_FAIL,
		GP_PASS);
}

static void no_kernel(void **state)
{
	char *tree = tree_kept(tree_new());
	struct gp_kernels ks;

	tree_write(tree, "/etc/debian_version", "12.2\n");
	expect4(tree, GP_WARN, GP_SKIP, GP_SKIP, GP_SKIP);
	/* /boot not mounted: the module trees are all there is. */
	tree_write(tree, "/lib/modules/6.1.0-13-amd64/modules.dep", "");
	ks = find(tree);
	assert_int_equal(ks.n, 1);
	assert_true(ks.def_guessed);
	gp_kernels_done(&ks);
}

/* --- the fixer: plans -------------------------------------------------- */

static const struct gp_change *command(const struct harness *h, size_t nth)
{
	for (size_t i = 0; i < h->plan.n_changes; i++)
		if (h->plan.changes[i].kind == GP_CHANGE_COMMAND &&
		    nth-- == 0)
			return &h->plan.changes[i];
	fail_msg("no command #%zu planned", nth);
	return NULL;
}

static void expect_argv(char *const *argv, const char *const *expected)
{
	size_t i;

	for (i = 0; expected[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], expected[i]);
	}
	assert_null(argv[i]);
}

static void plan_debian(void **state)
{
	static const char *const update[] = {
		"/usr/sbin/update-initramfs", "-u", "-k", DEB_NEW, NULL,
	};
	static const char *const create[] = {
		"/usr/sbin/update-initramfs", "-c", "-k", DEB_OLD, NULL,
	};
	char *tree = debian(without(deb_new_mods, "virtio_blk.ko"), NULL);
	struct harness *h = harness_plan(tree, "virtio", NULL);
	const struct gp_change *w = harness_planned(h,
						    "/etc/initramfs-tools/"
						    "modules");

	assert_int_equal(h->plan.n_changes, 3);
	assert_non_null(w);
	assert_ptr_equal(w, &h->plan.changes[0]);
	assert_non_null(strstr(w->data, "\nvirtio_blk\nvirtio_pci\n"));
	assert_null(strstr(w->data, "virtio_ring"));
	assert_true(startswith(w->data, w->old_data));
	expect_argv(command(h, 0)->argv, update);
	expect_argv(command(h, 0)->replaces, (const char *const[]){
		"/boot/initrd.img-" DEB_NEW, NULL });
	assert_null(command(h, 0)->undo_argv);
	assert_true(command(h, 0)->flags & GP_CMD_IN_GUEST);
	expect_argv(command(h, 1)->argv, create);
	harness_free(h);
}

static void plan_dracut(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/rhel9"));
	struct harness *h = harness_plan(tree, "virtio", NULL);
	const struct gp_change *w = harness_planned(h, "/etc/dracut.conf");

	/* Without /etc/dracut.conf.d: appended to dracut.conf. */
	assert_non_null(w);
	assert_true(startswith(w->data, w->old_data));
	assert_non_null(strstr(w->data + w->old_len,
			       "add_drivers+=\" virtio_blk \""));
	harness_free(h);

	tree_mkdir(tree, "/etc/dracut.conf.d");
	h = harness_plan(tree, "virtio", NULL);
	assert_null(harness_planned(h, "/etc/dracut.conf"));
	w = harness_planned(h, "/etc/dracut.conf.d/90-guestprep-virtio.conf");
	assert_non_null(w);
	assert_false(w->existed);
	assert_non_null(strstr(w->data, "add_drivers+=\" virtio_blk \""));
	/* Each path in parentheses: one argument, not a missing comma. */
	expect_argv(command(h, 0)->argv, (const char *const[]){
		"/usr/bin/dracut", "--force",
		("/boot/initramfs-" EL9_NEW ".img"), EL9_NEW, NULL });
	expect_argv(command(h, 1)->argv, (const char *const[]){
		"/usr/bin/dracut", "--force",
		("/boot/initramfs-" EL9_OLD ".img"), EL9_OLD, NULL });
	assert_int_equal(h->plan.n_changes, 3);
	harness_free(h);
}

static void plan_suse_mkinitrd(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/sles11"));
	struct harness *h = harness_plan(tree, "virtio", NULL);
	const struct gp_change *w = harness_planned(h, "/etc/sysconfig/kernel");

	assert_non_null(w);
	assert_non_null(strstr(w->data, "\nINITRD_MODULES=\"processor thermal "
				"ata_piix ata_generic piix ide_pci_generic fan "
				"jbd ext3 edd virtio_blk virtio_pci\"\n"));
	/* Everything else stays byte for byte. */
	assert_int_equal(w->len, w->old_len + strlen(" virtio_blk virtio_pci"));
	expect_argv(command(h, 0)->argv, (const char *const[]){
		"/sbin/mkinitrd", "-k", "/boot/vmlinuz-" SLES_XEN, "-i",
		"/boot/initrd-" SLES_XEN, NULL });
	expect_argv(command(h, 1)->argv, (const char *const[]){
		"/sbin/mkinitrd", "-k", "/boot/vmlinuz-" SLES, "-i",
		"/boot/initrd-" SLES, NULL });
	harness_free(h);
}

static void plan_rhel5_mkinitrd(void **state)
{
	char *tree = tree_kept(tree_copy("virtio/centos5"));
	struct harness *h = harness_plan(tree, "virtio", NULL);

	expect_argv(command(h, 1)->argv, (const char *const[]){
		"/sbin/mkinitrd", "-f", "--with=virtio_blk", "--with=virtio_pci",
		("/boot/initrd-" EL5 ".img"), EL5, NULL });
	assert_int_equal(h->plan.n_changes, 2);	/* no configuration file */
	harness_free(h);
}

/* Nothing lacking, or no tool: nothing planned. */
static void plan_nothing(void **state)
{
	char *tree = debian(deb_new_mods, deb_old_mods);
	struct harness *h = harness_plan(tree, "virtio", NULL);

	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
	tree = debian(NULL, NULL);
	tree_remove(tree, "/usr/sbin/update-initramfs");
	h = harness_plan(tree, "virtio", NULL);
	harness_expect(h, "virtio.initramfs", GP_FAIL);
	assert_false(harness_fixable(h, "virtio.initramfs"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* --- the fixer through the journal ------------------------------------ */

static const char *rebuild_tree;
static bool rebuild_adds;	/* the fake tool honours its configuration */
static unsigned rebuilds;

/*
 * The exec seam: stands for update-initramfs -u/-c -k V, writing the new
 * image with (or, to test the failure, without) the drivers.
 */
static int fake_rebuild(struct gp_root *root, struct gp_change *change)
{
	const char *v;
	char *image;

	(void)root;
	assert_true(strv_length(change->argv) == 4);
	v = change->argv[3];
	image = strprintf("/boot/initrd.img-%s", v);
	write_image(rebuild_tree, image, v, C_ZSTD, true,
		    !rebuild_adds ? NULL :
		    strcmp(v, DEB_NEW) == 0 ? deb_new_mods : deb_old_mods);
	free(image);
	free(change->output);
	change->output = strdup("update-initramfs: Generating\n");
	rebuilds++;
	return 0;
}

/*
 * Plan, apply (the rebuild through the exec seam), check again (passes,
 * nothing left to plan), undo: the old images and the configuration
 * come back byte for byte, and the image the run created is removed.
 */
static void journal_apply_recheck_undo(void **state)
{
	char *tree = debian(without(deb_new_mods, "virtio_blk.ko"), NULL);
	char *saved = tree_kept(tree_snapshot(tree));
	struct harness *h;

	rebuild_tree = tree;
	rebuild_adds = true;
	rebuilds = 0;
	h = harness_plan(tree, "virtio", NULL);
	harness_apply(h, fake_rebuild);
	harness_free(h);
	assert_int_equal(rebuilds, 2);

	h = harness_plan(tree, "virtio", NULL);
	harness_expect(h, "virtio.initramfs", GP_PASS);
	harness_expect_none(h, "virtio.initramfs.rebuild");
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, fake_rebuild);
	assert_int_equal(rebuilds, 2);	/* undo restores, it runs nothing */
	tree_expect_same(tree, saved, 0);
	expect_initramfs(tree, GP_FAIL);
}

/* A rebuild that leaves the drivers out: the re-check says so. */
static void journal_rebuild_without_drivers(void **state)
{
	char *tree = debian(without(deb_new_mods, "virtio_blk.ko"),
			    deb_old_mods);
	struct harness *h;

	rebuild_tree = tree;
	rebuild_adds = false;
	h = harness_plan(tree, "virtio", NULL);
	assert_int_equal(h->plan.n_changes, 2);
	harness_apply(h, fake_rebuild);
	harness_free(h);

	h = harness_run(tree, "virtio", NULL);
	harness_expect(h, "virtio.initramfs", GP_FAIL);
	harness_expect(h, "virtio.initramfs.rebuild", GP_FAIL);
	harness_free(h);
	harness_undo(tree, fake_rebuild);
	h = harness_run(tree, "virtio", NULL);
	harness_expect_none(h, "virtio.initramfs.rebuild");
	harness_free(h);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(debian_complete_passes),
		TEST(debian_default_lacks_blk_fails),
		TEST(debian_other_kernel_warns),
		TEST(debian_dependency_missing_fails),
		TEST(missing_image_fails),
		TEST(unreadable_images_fail),
		TEST(every_compression),
		TEST(rhel_builtin_needs_only_blk),
		TEST(config_builtin_needs_no_image),
		TEST(xen_frontends_count_where_profile_says),
		TEST(drivers_missing_from_kernel),
		TEST(optional_module_only_noted),
		TEST(module_suffixes),
		TEST(image_naming),
		TEST(default_grub2),
		TEST(default_bls),
		TEST(default_legacy),
		TEST(xen_pv),
		TEST(no_kernel),
		TEST(plan_debian),
		TEST(plan_dracut),
		TEST(plan_suse_mkinitrd),
		TEST(plan_rhel5_mkinitrd),
		TEST(plan_nothing),
		TEST(journal_apply_recheck_undo),
		TEST(journal_rebuild_without_drivers),
	};

	return cmocka_run_group_tests_name("virtio", tests, NULL, NULL);
}
