/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The initramfs reader: images built here at run time, as distributions
 * build them: an uncompressed early-microcode cpio (or two, or none,
 * with zero padding or not), then the main cpio compressed with each
 * compression the kernel knows.  cpio and the compressed streams are
 * written with libarchive's writer; lz4 in the kernel's legacy framing
 * (which libarchive cannot write) is framed here, with literal-only
 * blocks, which every LZ4 decoder must accept.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestprep/initramfs.h"
#include "harness.h"
#include "util.h"

#define KVER "6.1.0-13-amd64"
#define MODDIR "usr/lib/modules/" KVER "/kernel/drivers/"
#define UCODE "kernel/x86/microcode/GenuineIntel.bin"

/* libarchive's write callback: into the struct harness_buf @data. */
static la_ssize_t buf_write(struct archive *a, void *data, const void *p,
			    size_t n)
{
	(void)a;
	harness_buf_add(data, p, n);
	return (la_ssize_t)n;
}

enum comp { C_NONE, C_GZIP, C_XZ, C_LZMA, C_ZSTD, C_LZ4, C_BZIP2, C_ODC };

static const char *const comp_names[] = {
	[C_NONE] = "none", [C_GZIP] = "gzip", [C_XZ] = "xz",
	[C_LZMA] = "lzma", [C_ZSTD] = "zstd", [C_LZ4] = "lz4",
	[C_BZIP2] = "bzip2", [C_ODC] = "none",
};

static void add_filter(struct archive *a, enum comp c)
{
	int r = ARCHIVE_OK;

	switch (c) {
	case C_GZIP:
		r = archive_write_add_filter_gzip(a);
		break;
	case C_XZ:
		r = archive_write_add_filter_xz(a);
		break;
	case C_LZMA:
		r = archive_write_add_filter_lzma(a);
		break;
	case C_ZSTD:
		r = archive_write_add_filter_zstd(a);
		break;
	case C_BZIP2:
		r = archive_write_add_filter_bzip2(a);
		break;
	default:
		break;
	}
	assert_int_equal(r, ARCHIVE_OK);
}

/* When set, cpio() adds an incompressible file of this size. */
static size_t big_file;

static void add_big_file(struct archive *a)
{
	struct archive_entry *e = archive_entry_new();
	unsigned char *data = malloc(big_file);
	unsigned seed = 7;

	assert_non_null(data);
	for (size_t i = 0; i < big_file; i++) {
		seed = seed * 1103515245u + 12345u;
		data[i] = (unsigned char)(seed >> 16);
	}
	archive_entry_set_pathname(e, "usr/lib/firmware/big.bin");
	archive_entry_set_mode(e, S_IFREG | 0644);
	archive_entry_set_size(e, (la_int64_t)big_file);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, data, big_file),
			 (la_ssize_t)big_file);
	archive_entry_free(e);
	free(data);
}

/* A cpio of @paths ("dir/" for directories), with @c's compression. */
static void cpio(struct harness_buf *out, enum comp c, const char *const *paths)
{
	struct archive *a = archive_write_new();
	struct harness_buf raw = { 0 };

	assert_non_null(a);
	assert_int_equal(c == C_ODC ? archive_write_set_format_cpio(a) :
			 archive_write_set_format_cpio_newc(a), ARCHIVE_OK);
	if (c != C_LZ4)
		add_filter(a, c);
	/* Unblocked, as the kernel's tools write them. */
	archive_write_set_bytes_per_block(a, 0);
	assert_int_equal(archive_write_open(a, c == C_LZ4 ? &raw : out, NULL,
					    buf_write, NULL), ARCHIVE_OK);
	for (size_t i = 0; paths[i]; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = strlen(paths[i]);
		bool dir = paths[i][len - 1] == '/';
		char *name = strndup(paths[i], dir ? len - 1 : len);
		char content[64];

		snprintf(content, sizeof(content), "content of %s\n", name);
		archive_entry_set_pathname(e, name);
		archive_entry_set_mode(e, dir ? S_IFDIR | 0755 : S_IFREG | 0644);
		archive_entry_set_size(e, dir ? 0 : (la_int64_t)strlen(content));
		archive_entry_set_ino(e, (la_int64_t)i + 1);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (!dir)
			assert_int_equal(archive_write_data(a, content,
							    strlen(content)),
					 (la_ssize_t)strlen(content));
		archive_entry_free(e);
		free(name);
	}
	if (big_file > 0)
		add_big_file(a);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	if (c != C_LZ4)
		return;
	/* Legacy LZ4: magic, then blocks of (size, literal-only block). */
	harness_buf_add(out, "\x02\x21\x4c\x18", 4);
	for (size_t off = 0; off < raw.len;) {
		size_t n = raw.len - off;
		struct harness_buf blk = { 0 };
		unsigned char token, le[4], last;
		size_t rest;

		/*
		 * Blocks of 1 MiB at most.  (Not as a ?: : cppcheck 2.10 then
		 * takes n for 0 and every `n >= 15` below for always false.)
		 */
		if (n > 1u << 20)
			n = 1u << 20;
		/* The token: the literal length, 15 and more in extra bytes. */
		token = n >= 15 ? 0xf0 : (unsigned char)(n << 4);
		harness_buf_add(&blk, &token, 1);
		for (rest = n >= 15 ? n - 15 : 0; n >= 15 && rest >= 255;
		     rest -= 255)
			harness_buf_add(&blk, "\xff", 1);
		last = (unsigned char)rest;
		if (n >= 15)
			harness_buf_add(&blk, &last, 1);
		harness_buf_add(&blk, raw.data + off, n);
		for (int k = 0; k < 4; k++)
			le[k] = (unsigned char)(blk.len >> (8 * k));
		harness_buf_add(out, le, 4);
		harness_buf_add(out, blk.data, blk.len);
		free(blk.data);
		off += n;
	}
	free(raw.data);
}

static const char *const main_paths[] = {
	"usr/", "usr/lib/", "usr/lib/modules/", "usr/lib/modules/" KVER "/",
	MODDIR "block/virtio_blk.ko.xz", MODDIR "virtio/virtio_pci.ko",
	MODDIR "virtio/virtio_ring.ko.zst", MODDIR "net/virtio-net.ko.gz",
	"init", "etc/modules", NULL,
};

static const char *const ucode_paths[] = {
	"kernel/", "kernel/x86/", "kernel/x86/microcode/", UCODE, NULL,
};

/* Write @b into a new tree as /boot/initrd.img; returns the tree. */
static char *image_tree(const struct harness_buf *b)
{
	char *tree = tree_new();
	char *path = tree_file(tree, "boot/initrd.img");
	FILE *f;

	tree_mkdir(tree, "boot");
	f = fopen(path, "we");
	assert_non_null(f);
	if (b->len)
		assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
	free(path);
	return tree;
}

/* What a listing saw. */
struct seen {
	char **paths;
	unsigned segment_of_ucode;
	unsigned segment_of_blk;
	size_t n;
	int stop_after;		/* >0: stop after that many entries */
	int fail_with;		/* <0: return it at the first entry */
};

static int collect(const struct gp_initramfs_entry *e, void *userdata)
{
	struct seen *s = userdata;

	if (s->fail_with)
		return s->fail_with;
	assert_int_equal(strv_push(&s->paths, e->path), 0);
	if (strcmp(e->path, UCODE) == 0)
		s->segment_of_ucode = e->segment;
	if (strcmp(e->path, MODDIR "block/virtio_blk.ko.xz") == 0) {
		s->segment_of_blk = e->segment;
		assert_true(S_ISREG(e->mode));
		assert_true(e->size > 0);
	}
	s->n++;
	return s->stop_after && (int)s->n >= s->stop_after ? 1 : 0;
}

static int list_tree(const char *tree, const char *path, struct seen *s,
		     struct gp_initramfs_info *info)
{
	struct gp_root *root = NULL;
	int r;

	assert_int_equal(gp_root_new(tree, &root), 0);
	r = gp_initramfs_list(root, path, collect, s, info);
	gp_root_free(root);
	return r;
}

static int list_buf(const struct harness_buf *b, struct seen *s,
		    struct gp_initramfs_info *info)
{
	char *tree = image_tree(b);
	int r = list_tree(tree, "/boot/initrd.img", s, info);

	tree_free(tree);
	return r;
}

static bool has(const struct seen *s, const char *path)
{
	for (size_t i = 0; s->paths && s->paths[i]; i++)
		if (strcmp(s->paths[i], path) == 0)
			return true;
	return false;
}

static void zeros(struct harness_buf *b, size_t n)
{
	unsigned char z[512] = { 0 };

	while (n > 0) {
		size_t k = n > sizeof(z) ? sizeof(z) : n;

		harness_buf_add(b, z, k);
		n -= k;
	}
}

enum prefix { P_NONE, P_UCODE, P_UCODE_PADDED, P_TWO };

static void build(struct harness_buf *b, enum prefix p, enum comp c)
{
	if (p != P_NONE)
		cpio(b, C_NONE, ucode_paths);
	if (p == P_UCODE_PADDED)
		zeros(b, 512 - b->len % 512 + 1024);
	if (p == P_TWO)
		cpio(b, C_NONE, ucode_paths);
	cpio(b, c, main_paths);
}

/* Every compression, with and without early archives in front. */
static void every_compression_and_prefix(void **state)
{
	static const enum comp comps[] = {
		C_NONE, C_GZIP, C_XZ, C_LZMA, C_ZSTD, C_LZ4, C_BZIP2, C_ODC,
	};
	static const enum prefix prefixes[] = {
		P_NONE, P_UCODE, P_UCODE_PADDED, P_TWO,
	};

	for (size_t i = 0; i < ARRAY_SIZE(comps); i++) {
		for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++) {
			struct gp_initramfs_info info;
			struct seen s = { 0 };
			struct harness_buf b = { 0 };
			unsigned before = prefixes[k] == P_NONE ? 0 :
					  prefixes[k] == P_TWO ? 2 : 1;

			build(&b, prefixes[k], comps[i]);
			if (list_buf(&b, &s, &info) != 0)
				fail_msg("%s, prefix %zu: not read",
					 comp_names[comps[i]], k);
			assert_true(has(&s, MODDIR "block/virtio_blk.ko.xz"));
			assert_true(has(&s, MODDIR "net/virtio-net.ko.gz"));
			assert_true(has(&s, "init"));
			assert_int_equal(s.segment_of_blk, before);
			assert_int_equal(info.n_segments, before + 1);
			assert_string_equal(info.compression[before],
					    comp_names[comps[i]]);
			if (before) {
				assert_true(has(&s, UCODE));
				assert_int_equal(s.segment_of_ucode,
						 before - 1);
				assert_string_equal(info.compression[0],
						    "none");
			} else {
				assert_false(has(&s, UCODE));
			}
			assert_false(info.trailing_garbage);
			strv_free(s.paths);
			free(b.data);
		}
	}
}

/* Two compressed archives, as the kernel unpacks them one by one. */
static void two_compressed_segments(void **state)
{
	static const char *const extra[] = { "extra/", "extra/firmware.bin",
					     NULL };
	/*
	 * Not after lz4: the legacy framing has no end, so the kernel's
	 * decoder (as libarchive's) takes what follows for another block
	 * (see data_after_lz4).
	 */
	static const enum comp comps[] = { C_GZIP, C_BZIP2, C_LZMA, C_XZ,
					   C_ZSTD };

	for (size_t i = 0; i < ARRAY_SIZE(comps); i++) {
		struct gp_initramfs_info info;
		struct seen s = { 0 };
		struct harness_buf b = { 0 };

		build(&b, P_UCODE, comps[i]);
		cpio(&b, C_GZIP, extra);
		if (list_buf(&b, &s, &info) != 0)
			fail_msg("%s then gzip: not read", comp_names[comps[i]]);
		assert_true(has(&s, "extra/firmware.bin"));
		assert_int_equal(info.n_segments, 3);
		assert_string_equal(info.compression[2], "gzip");
		strv_free(s.paths);
		free(b.data);
	}
}

static void module_names(void **state)
{
	static const struct {
		const char *path, *name;
	} cases[] = {
		{ MODDIR "block/virtio_blk.ko", "virtio_blk" },
		{ MODDIR "block/virtio_blk.ko.gz", "virtio_blk" },
		{ MODDIR "block/virtio_blk.ko.xz", "virtio_blk" },
		{ MODDIR "block/virtio_blk.ko.zst", "virtio_blk" },
		{ "lib/modules/2.6.32/kernel/drivers/block/xen-blkfront.ko",
		  "xen_blkfront" },
		{ "virtio_pci.ko", "virtio_pci" },
		{ MODDIR "block/virtio_blk.ko.bak", NULL },
		{ MODDIR "block/", NULL },
		{ "usr/lib/modules/" KVER "/modules.dep", NULL },
		{ ".ko", NULL },
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ok = gp_initramfs_module_name(cases[i].path, buf,
						   sizeof(buf));

		assert_int_equal(ok, cases[i].name != NULL);
		if (ok)
			assert_string_equal(buf, cases[i].name);
	}
	/* Too long for the buffer: refused, not cut. */
	assert_false(gp_initramfs_module_name("a/virtio_blk.ko", buf, 5));
}

/* Junk, nothing at all, zeros only: not an initramfs. */
static void garbage_is_an_error(void **state)
{
	struct harness_buf b = { 0 };
	struct seen s = { 0 };
	unsigned seed = 12345;

	assert_int_equal(list_buf(&b, &s, NULL), -EBADMSG);
	zeros(&b, 4096);
	assert_int_equal(list_buf(&b, &s, NULL), -EBADMSG);
	b.len = 0;
	for (int i = 0; i < 100000; i++) {
		unsigned char c;

		seed = seed * 1103515245u + 12345u;
		c = (unsigned char)(seed >> 16);
		harness_buf_add(&b, &c, 1);
	}
	assert_int_equal(list_buf(&b, &s, NULL), -EBADMSG);
	/* A cpio magic with nonsense behind it. */
	b.len = 0;
	harness_buf_add(&b, "070701zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 40);
	assert_int_equal(list_buf(&b, &s, NULL), -EBADMSG);
	/* A compression magic with nonsense behind it. */
	for (const char *m = "\x1f\x8b\x08\0"; m; m = NULL) {
		b.len = 0;
		harness_buf_add(&b, m, 4);
		zeros(&b, 100);
		harness_buf_add(&b, "junk", 4);
		assert_int_equal(list_buf(&b, &s, NULL), -EBADMSG);
	}
	assert_int_equal(s.n, 0);
	strv_free(s.paths);
	free(b.data);
}

/* Cut anywhere inside the archive: an error, never a crash. */
static void truncated_is_an_error(void **state)
{
	static const enum comp comps[] = {
		C_NONE, C_GZIP, C_XZ, C_LZMA, C_ZSTD, C_LZ4, C_BZIP2,
	};

	for (size_t i = 0; i < ARRAY_SIZE(comps); i++) {
		struct harness_buf full = { 0 }, ucode = { 0 };
		char *tree;
		size_t step;

		cpio(&ucode, C_NONE, ucode_paths);
		build(&full, P_UCODE, comps[i]);
		tree = tree_kept(image_tree(&full));
		step = (full.len - ucode.len) / 23 + 1;
		/* Inside the early archive, then all along the main one. */
		for (size_t cut = 40; cut < full.len - 1;
		     cut = cut < ucode.len ? ucode.len + 1 : cut + step) {
			char *path = tree_file(tree, "boot/initrd.img");
			struct gp_initramfs_info info = { 0 };
			struct seen s = { 0 };
			int r;

			assert_int_equal(truncate(path, (off_t)cut), 0);
			r = list_tree(tree, "/boot/initrd.img", &s, &info);
			/*
			 * Cut after the main archive's trailer (its padding,
			 * a checksum, an index): the files are all there, as
			 * the kernel would see them, and the damage is said.
			 * An uncompressed archive may lose only its padding.
			 */
			if (r == 0 && comps[i] != C_NONE &&
			    !info.trailing_garbage)
				fail_msg("%s cut at %zu of %zu: read as whole",
					 comp_names[comps[i]], cut, full.len);
			if (r == 0 && !has(&s, "etc/modules") &&
			    !info.trailing_garbage)
				fail_msg("%s cut at %zu of %zu: read without "
					 "its last file", comp_names[comps[i]],
					 cut, full.len);
			assert_true(r == 0 || r == -EBADMSG);
			free(path);
			strv_free(s.paths);
			tree_write(tree, "boot/initrd.img", "");
			path = tree_file(tree, "boot/initrd.img");
			{
				FILE *f = fopen(path, "we");

				assert_non_null(f);
				assert_int_equal(fwrite(full.data, 1, full.len,
							f), full.len);
				assert_int_equal(fclose(f), 0);
			}
			free(path);
		}
		free(full.data);
		free(ucode.data);
	}
}

/* Junk after the last archive: the files are all read, and it is said. */
static void trailing_junk_is_noted(void **state)
{
	struct gp_initramfs_info info;
	struct seen s = { 0 };
	struct harness_buf b = { 0 };

	build(&b, P_UCODE, C_GZIP);
	harness_buf_add(&b, "this is not an archive", 22);
	assert_int_equal(list_buf(&b, &s, &info), 0);
	assert_true(info.trailing_garbage);
	assert_true(has(&s, MODDIR "block/virtio_blk.ko.xz"));
	strv_free(s.paths);
	free(b.data);
}

/*
 * After xz and zstd streams, whose libarchive decoders read on and fail
 * on what follows, the reader finds the stream's end from its framing:
 * a large stream (read in several calls), then an uncompressed archive.
 */
static void data_after_xz_zstd(void **state)
{
	static const enum comp comps[] = { C_XZ, C_ZSTD };

	for (size_t i = 0; i < ARRAY_SIZE(comps); i++) {
		struct gp_initramfs_info info = { 0 };
		struct seen s = { 0 };
		struct harness_buf b = { 0 };

		big_file = 1u << 20;
		build(&b, P_UCODE, comps[i]);
		big_file = 0;
		zeros(&b, 8);
		cpio(&b, C_NONE, ucode_paths);
		if (list_buf(&b, &s, &info) != 0)
			fail_msg("%s then cpio: not read", comp_names[comps[i]]);
		assert_true(has(&s, "usr/lib/firmware/big.bin"));
		assert_int_equal(info.n_segments, 3);
		assert_false(info.trailing_garbage);
		assert_int_equal(s.segment_of_ucode, 2);
		strv_free(s.paths);
		free(b.data);
	}
}

/*
 * lz4's legacy framing has no end: after it, the kernel's decoder and
 * libarchive's take what follows for another block.  Such an image is
 * reported unreadable (a known limit, see initramfs.h), never read as
 * if it were whole.
 */
static void data_after_lz4(void **state)
{
	struct gp_initramfs_info info = { 0 };
	struct seen s = { 0 };
	struct harness_buf b = { 0 };
	int r;

	big_file = 1u << 20;
	build(&b, P_UCODE, C_LZ4);
	big_file = 0;
	cpio(&b, C_GZIP, ucode_paths);
	r = list_buf(&b, &s, &info);
	if (r == 0)
		assert_true(info.trailing_garbage || info.n_segments == 3);
	else
		assert_int_equal(r, -EBADMSG);
	strv_free(s.paths);
	free(b.data);
}

/* The callback stops the listing (> 0) or fails it (< 0). */
static void callback_stops_and_fails(void **state)
{
	struct gp_initramfs_info info;
	struct seen s = { .stop_after = 3 };
	struct harness_buf b = { 0 };
	char *tree;

	build(&b, P_UCODE, C_XZ);
	tree = tree_kept(image_tree(&b));
	assert_int_equal(list_tree(tree, "/boot/initrd.img", &s, &info), 0);
	assert_int_equal(s.n, 3);
	strv_free(s.paths);
	s = (struct seen){ .fail_with = -ECANCELED };
	assert_int_equal(list_tree(tree, "/boot/initrd.img", &s, NULL),
			 -ECANCELED);
	free(b.data);
}

/* Through the root: no escape, no blocking on a FIFO, no directory. */
static void root_confined(void **state)
{
	struct harness_buf b = { 0 };
	struct seen s = { 0 };
	char *tree, *outside;

	build(&b, P_NONE, C_GZIP);
	outside = tree_kept(image_tree(&b));
	tree = tree_kept(tree_new());
	/* An absolute link resolves inside the tree: nothing there. */
	{
		char *target = tree_file(outside, "boot/initrd.img");

		tree_symlink(tree, "boot/initrd.img", target);
		free(target);
	}
	tree_symlink(tree, "boot/up", "../../../../../../../../../../..");
	assert_int_equal(list_tree(tree, "/boot/initrd.img", &s, NULL),
			 -ENOENT);
	tree_mkfifo(tree, "boot/fifo");
	assert_int_equal(list_tree(tree, "/boot/fifo", &s, NULL), -EINVAL);
	assert_int_equal(list_tree(tree, "/boot", &s, NULL), -EISDIR);
	assert_int_equal(list_tree(tree, "/boot/missing", &s, NULL), -ENOENT);
	assert_int_equal(s.n, 0);
	free(b.data);
}

/*
 * A large image (8 MiB of incompressible modules, gzip): read whole,
 * in a bounded number of bytes per entry (the reader streams).
 */
static void large_image_streams(void **state)
{
	struct archive *a = archive_write_new();
	struct gp_initramfs_info info;
	struct seen s = { 0 };
	struct harness_buf b = { 0 };
	unsigned char *blob = malloc(1u << 20);
	unsigned seed = 1;

	assert_non_null(blob);
	for (size_t i = 0; i < (1u << 20); i++) {
		seed = seed * 1103515245u + 12345u;
		blob[i] = (unsigned char)(seed >> 16);
	}
	cpio(&b, C_NONE, ucode_paths);
	assert_int_equal(archive_write_set_format_cpio_newc(a), ARCHIVE_OK);
	assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open(a, &b, NULL, buf_write, NULL),
			 ARCHIVE_OK);
	for (int i = 0; i < 8; i++) {
		struct archive_entry *e = archive_entry_new();
		char name[128];

		snprintf(name, sizeof(name), MODDIR "big/m%d.ko", i);
		archive_entry_set_pathname(e, name);
		archive_entry_set_mode(e, S_IFREG | 0644);
		archive_entry_set_size(e, 1 << 20);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, blob, 1u << 20),
				 1 << 20);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	assert_int_equal(list_buf(&b, &s, &info), 0);
	assert_true(has(&s, MODDIR "big/m7.ko"));
	assert_true(info.unpacked > 8u << 20);
	strv_free(s.paths);
	free(blob);
	free(b.data);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(every_compression_and_prefix),
		TEST(two_compressed_segments),
		TEST(module_names),
		TEST(garbage_is_an_error),
		TEST(truncated_is_an_error),
		TEST(trailing_junk_is_noted),
		TEST(data_after_xz_zstd),
		TEST(data_after_lz4),
		TEST(callback_stops_and_fails),
		TEST(root_confined),
		TEST(large_image_streams),
	};

	return cmocka_run_group_tests_name("initramfs", tests, NULL, NULL);
}
