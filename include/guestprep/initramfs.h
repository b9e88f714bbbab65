/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Initramfs images: what the kernel will unpack at boot, listed in
 * process (no lsinitrd, no lsinitramfs, no shell).
 *
 * An image is a series of segments, as the kernel reads it
 * (init/initramfs.c): cpio archives ("newc" or "odc"), each ending with a
 * TRAILER!!! entry, any of them possibly compressed (gzip, xz, lzma,
 * zstd, lz4 in the kernel's legacy framing, bzip2), with runs of zero
 * bytes between them.  Distributions put an uncompressed early-microcode
 * archive first and the compressed main archive after it.  libarchive
 * reads one archive and stops at its trailer, so the segments are walked
 * here: each is handed to libarchive on its own, starting where the
 * previous one ended.
 *
 * libarchive's xz and zstd decoders take whatever follows their stream
 * for more of it; their streams' ends are found from their framing (the
 * xz stream footer, the zstd frame and block headers), so that what
 * follows is read as the next segment.  Known limit: lz4's legacy
 * framing has no end (the kernel's decoder reads on too), so an image
 * with another segment after an lz4 one is reported unreadable
 * (-EBADMSG) or its tail as trailing garbage, never silently half read.
 * Distributions put the compressed archive last.
 *
 * Reading streams: memory stays small whatever the image's size, and the
 * cost is that of decompressing it once.  Garbage, truncated images and
 * decompression bombs end in an error, never a crash: the decompressed
 * size and the number of entries are capped.
 */
#ifndef GUESTPREP_INITRAMFS_H
#define GUESTPREP_INITRAMFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "guestprep/root.h"

/* Images larger than this are refused (-EFBIG) without being read. */
#define GP_INITRAMFS_MAX_FILE (2ull << 30)
/* Decompressed bytes and entries read at most, over all segments. */
#define GP_INITRAMFS_MAX_UNPACKED (8ull << 30)
#define GP_INITRAMFS_MAX_ENTRIES 2000000u
#define GP_INITRAMFS_MAX_SEGMENTS 64u

struct gp_initramfs_entry {
	const char *path;	/* as archived, without a leading "./" or "/" */
	mode_t mode;		/* type and permissions */
	uint64_t size;
	unsigned segment;	/* 0 for the first archive in the image */
};

/*
 * Called for each entry, in archive order: 0 to go on, > 0 to stop
 * reading (the listing then ends successfully), < 0 to stop with that
 * error.  @entry and its strings are valid during the call only.
 */
typedef int (*gp_initramfs_fn)(const struct gp_initramfs_entry *entry,
			       void *userdata);

struct gp_initramfs_info {
	unsigned n_segments;	/* archives read */
	/* Compression of each segment: "none", "gzip", "xz", "lzma",
	 * "zstd", "lz4", "bzip2" (the first GP_INITRAMFS_MAX_SEGMENTS). */
	const char *compression[GP_INITRAMFS_MAX_SEGMENTS];
	uint64_t n_entries;
	uint64_t unpacked;	/* bytes of cpio data read */
	/* Bytes after the last archive that are not one: the kernel would
	 * not unpack them either, but a damaged image may hide files. */
	bool trailing_garbage;
};

/*
 * List the image @path inside @root (opened through the root, so it
 * cannot escape it), calling @fn for each entry (@fn may be NULL, to
 * count or validate only).  @ret_info, if not NULL, is filled in on
 * success.  Returns 0, or:
 *   -ENOENT, -EACCES... the file cannot be opened;
 *   -EINVAL   not a regular file (FIFOs and devices are not read);
 *   -EFBIG    larger than GP_INITRAMFS_MAX_FILE, or it unpacks to more
 *             than the caps allow;
 *   -EBADMSG  not an initramfs: no archive at its start, an unknown
 *             compression, a damaged or truncated archive;
 *   -ENOMEM, or what @fn returned.
 */
int gp_initramfs_list(const struct gp_root *root, const char *path,
		      gp_initramfs_fn fn, void *userdata,
		      struct gp_initramfs_info *ret_info);

/* The same on an open file descriptor (read from offset 0; for tests
 * and benchmarks).  The descriptor is not closed. */
int gp_initramfs_list_fd(int fd, gp_initramfs_fn fn, void *userdata,
			 struct gp_initramfs_info *ret_info);

/*
 * The module name an entry path stands for, when it is a kernel module:
 * "usr/lib/modules/6.1.0-13-amd64/kernel/drivers/block/virtio_blk.ko.xz"
 * gives "virtio_blk" (dashes become underscores, as modprobe does).
 * Writes at most @size bytes (NUL included); false when it is no module.
 */
bool gp_initramfs_module_name(const char *path, char *buf, size_t size);

#endif
