/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Initramfs images (see include/guestprep/initramfs.h).
 *
 * Each segment gets its own libarchive reader that reads the file from
 * the segment's offset on.  Where a segment ends is what libarchive has
 * consumed from us when it is done with it:
 *
 *   - an uncompressed cpio: the cpio reader consumes its headers and data
 *     up to the trailer, so the position of the only filter is the end;
 *   - a compressed one: a first reader ("raw" format over the
 *     decompressing filters) yields the decompressed bytes, which a
 *     second reader (cpio format) parses from a callback.  Once the cpio
 *     trailer is reached, the rest of the decompressed stream (padding)
 *     is drained, and the decompressor's own consumption of the file
 *     (the position of the bottom filter) is where the stream ended:
 *     libarchive's decompressors consume only what their library used.
 *
 * Zero bytes between segments are skipped, as the kernel does.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "guestprep/initramfs.h"
#include "guestprep/macro.h"

#define CHUNK (64u << 10)

/* The file, as a libarchive client reads it from some offset on. */
struct source {
	int fd;
	uint64_t size;
	uint64_t limit;		/* read no further than this, if not 0 */
	uint64_t pos;
	char buf[CHUNK];
};

/* One listing in progress. */
struct walk {
	struct source src;
	gp_initramfs_fn fn;
	void *userdata;
	struct gp_initramfs_info info;
	int error;		/* the first error of ours: caps, @fn, read */
	bool stopped;		/* @fn asked to stop */
	/* A compressed segment: the decompressing reader, for the cpio
	 * reader's callback. */
	struct archive *inner;
	char *inner_buf;
	uint64_t inner_bytes;	/* decompressed so far */
	bool inner_broken;	/* the decompressor failed after some */
	uint64_t handed;	/* bytes given to the current cpio reader */
	const char *last_buf;	/* the last buffer given to it */
	size_t last_len;	/* and its size */
	const char *pend;	/* given to a finished reader, unused */
	size_t pend_len;
};

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

#define _cleanup_archive_ _cleanup_(archive_freep)

static la_ssize_t source_read(struct archive *a, void *data,
			      const void **ret_buf)
{
	struct walk *w = data;
	struct source *s = &w->src;
	ssize_t n;

	(void)a;
	uint64_t end = s->limit ? s->limit : s->size;

	if (s->pos >= end)
		return 0;	/* what the file held when it was opened */
	do
		n = pread(s->fd, s->buf, CHUNK, (off_t)s->pos);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (!w->error)
			w->error = -errno;
		return -1;
	}
	if ((uint64_t)n > end - s->pos)
		n = (ssize_t)(end - s->pos);
	s->pos += (uint64_t)n;
	*ret_buf = s->buf;
	return n;
}

static int set_error(struct walk *w, int error)
{
	if (!w->error)
		w->error = error;
	return w->error;
}

/* The error a failed libarchive call stands for. */
static int archive_failure(struct walk *w, struct archive *a)
{
	if (w->error)
		return w->error;
	if (a && archive_errno(a) == ENOMEM)
		return -ENOMEM;
	return -EBADMSG;
}

static int count_unpacked(struct walk *w, uint64_t n)
{
	w->info.unpacked += n;
	if (w->info.unpacked > GP_INITRAMFS_MAX_UNPACKED)
		return set_error(w, -EFBIG);
	return 0;
}

static int report_entry(struct walk *w, struct archive_entry *e)
{
	struct gp_initramfs_entry entry = { 0 };
	const char *path = archive_entry_pathname(e);
	int r;

	if (++w->info.n_entries > GP_INITRAMFS_MAX_ENTRIES)
		return set_error(w, -EFBIG);
	if (!path)
		return 0;	/* a name libarchive could not convert */
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	while (path[0] == '/')
		path++;
	if (!w->fn || !*path || strcmp(path, ".") == 0)
		return 0;
	entry.path = path;
	entry.mode = archive_entry_mode(e);
	entry.size = archive_entry_size_is_set(e) &&
				     archive_entry_size(e) > 0 ?
			     (uint64_t)archive_entry_size(e) : 0;
	entry.segment = w->info.n_segments;
	r = w->fn(&entry, w->userdata);
	if (r < 0)
		return set_error(w, r);
	if (r > 0)
		w->stopped = true;
	return 0;
}

/* Every entry of the cpio reader @a, up to its trailer. */
static int read_entries(struct walk *w, struct archive *a)
{
	struct archive_entry *e;

	for (;;) {
		int r = archive_read_next_header(a, &e);

		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return archive_failure(w, a);
		r = report_entry(w, e);
		if (r < 0 || w->stopped)
			return r;
	}
}

static int open_reader(struct walk *w, struct archive *a,
		       archive_read_callback *cb, void *data)
{
	if (archive_read_open(a, data, NULL, cb, NULL) != ARCHIVE_OK)
		return archive_failure(w, a);
	return 0;
}

/* An uncompressed cpio at @offset; *ret_len: the bytes it took. */
static int read_plain(struct walk *w, uint64_t offset, uint64_t *ret_len)
{
	_cleanup_archive_ struct archive *a = archive_read_new();
	int64_t used;
	int r;

	if (!a || archive_read_support_format_cpio(a) != ARCHIVE_OK)
		return -ENOMEM;
	w->src.pos = offset;
	r = open_reader(w, a, source_read, w);
	if (r == 0)
		r = read_entries(w, a);
	if (r < 0 || w->stopped)
		return r;
	used = archive_filter_bytes(a, 0);
	if (used <= 0)
		return -EBADMSG;
	*ret_len = (uint64_t)used;
	return count_unpacked(w, (uint64_t)used);
}

/* The cpio reader's input: what the decompressing reader yields. */
static la_ssize_t inner_read(struct archive *a, void *data,
			     const void **ret_buf)
{
	struct walk *w = data;
	la_ssize_t n;

	(void)a;
	/* Bytes a previous cpio reader was handed but did not use. */
	if (w->pend_len) {
		*ret_buf = w->last_buf = w->pend;
		n = (la_ssize_t)w->pend_len;
		w->last_len = w->pend_len;
		w->pend_len = 0;
		w->handed += (uint64_t)n;
		return n;
	}
	if (w->inner_broken)
		return 0;
	n = archive_read_data(w->inner, w->inner_buf, CHUNK);
	if (n < 0) {
		if (archive_errno(w->inner) == ENOMEM)
			set_error(w, -ENOMEM);
		/*
		 * Some decompressors (xz, zstd) take whatever follows their
		 * stream for another one and fail on it.  Give the cpio
		 * reader an end of file: if its trailer came before, the
		 * archive is whole and only what follows is unreadable;
		 * if not, it fails as truncated.
		 */
		if (w->error || w->inner_bytes == 0)
			return -1;
		w->inner_broken = true;
		return 0;
	}
	w->inner_bytes += (uint64_t)n;
	if (count_unpacked(w, (uint64_t)n) < 0)
		return -1;
	w->last_len = (size_t)n;
	w->handed += (uint64_t)n;
	*ret_buf = w->last_buf = w->inner_buf;
	return n;
}

/* The compression libarchive found, by its own name for it. */
static const char *filter_name(struct archive *a)
{
	switch (archive_filter_code(a, 0)) {
	case ARCHIVE_FILTER_GZIP:
		return "gzip";
	case ARCHIVE_FILTER_XZ:
		return "xz";
	case ARCHIVE_FILTER_LZMA:
		return "lzma";
	case ARCHIVE_FILTER_ZSTD:
		return "zstd";
	case ARCHIVE_FILTER_LZ4:
		return "lz4";
	case ARCHIVE_FILTER_BZIP2:
		return "bzip2";
	default:
		return NULL;
	}
}

/*
 * The decompressors the kernel knows.  Each is compiled into libarchive
 * (Debian's is linked with all of them); where one is not, libarchive
 * would run an external program, which a listing must not do: such a
 * filter is left out, and its images are reported as unreadable.
 */
static int support_filters(struct archive *a)
{
	static int (*const filters[])(struct archive *) = {
		archive_read_support_filter_gzip,
		archive_read_support_filter_xz,
		archive_read_support_filter_lzma,
		archive_read_support_filter_zstd,
		archive_read_support_filter_lz4,
		archive_read_support_filter_bzip2,
	};
	unsigned usable = 0;

	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		/* Ask a throwaway reader first: once registered, a filter
		 * that needs a program cannot be taken back. */
		struct archive *probe = archive_read_new();
		int r = probe ? filters[i](probe) : ARCHIVE_FATAL;

		if (probe)
			archive_read_free(probe);
		if (r == ARCHIVE_OK && filters[i](a) == ARCHIVE_OK)
			usable++;
	}
	return usable ? 0 : -EOPNOTSUPP;
}

/*
 * After a cpio trailer inside a decompressed stream: the bytes the cpio
 * reader was handed and did not use are still at the end of the last
 * buffer it got (libarchive asks for more only when it needs them).
 * Keep them for the next reader.  -EBADMSG when they are not all there.
 */
static int keep_unused(struct walk *w, struct archive *cpio)
{
	int64_t used = archive_filter_bytes(cpio, 0);
	uint64_t left;

	if (used < 0 || (uint64_t)used > w->handed)
		return -EBADMSG;
	left = w->handed - (uint64_t)used;
	if (left > w->last_len)
		return -EBADMSG;
	w->pend = w->last_buf + (w->last_len - left);
	w->pend_len = (size_t)left;
	return 0;
}

/*
 * What follows a trailer in the stream: zero padding, then possibly
 * another cpio, which the kernel unpacks as well (1), or the end (0).
 * Anything else is junk (-EBADMSG).
 */
static int next_in_stream(struct walk *w)
{
	for (;;) {
		la_ssize_t n;
		size_t i;

		while (w->pend_len && w->pend[0] == '\0') {
			w->pend++;
			w->pend_len--;
		}
		if (w->pend_len) {
			i = w->pend_len < 5 ? w->pend_len : 5;
			return memcmp(w->pend, "07070", i) == 0 ? 1 :
								   -EBADMSG;
		}
		if (w->inner_broken)
			return -EBADMSG;
		n = archive_read_data(w->inner, w->inner_buf, CHUNK);
		if (n == 0)
			return 0;
		if (n < 0) {
			w->inner_broken = true;
			return -EBADMSG;
		}
		if (count_unpacked(w, (uint64_t)n) < 0)
			return w->error;
		w->inner_bytes += (uint64_t)n;
		w->pend = w->inner_buf;
		w->pend_len = (size_t)n;
	}
}

/* The cpio archives of one decompressed stream, one after another. */
static int read_stream(struct walk *w, const char *compression)
{
	for (;;) {
		_cleanup_archive_ struct archive *cpio = archive_read_new();
		int r;

		if (!cpio || archive_read_support_format_cpio(cpio) !=
				     ARCHIVE_OK)
			return -ENOMEM;
		if (w->info.n_segments >= GP_INITRAMFS_MAX_SEGMENTS)
			return -EFBIG;
		w->info.compression[w->info.n_segments] = compression;
		w->handed = 0;
		w->last_len = 0;
		r = open_reader(w, cpio, inner_read, w);
		if (r == 0)
			r = read_entries(w, cpio);
		if (r < 0)
			return r;
		w->info.n_segments++;
		if (w->stopped)
			return 0;
		r = keep_unused(w, cpio);
		if (r == 0)
			r = next_in_stream(w);
		if (r <= 0)
			return r;
	}
}

/* --- where an xz or zstd stream ends -------------------------------- */

/*
 * libarchive's xz and zstd decoders read on past the end of their stream
 * (another stream may follow) and fail on whatever else is there.  So
 * the end is found here, from the stream's own framing, without
 * decompressing, and the decoder is not given a byte more.
 */

static bool read_at(const struct walk *w, uint64_t offset, void *buf,
		    size_t n)
{
	ssize_t r;

	if (offset > w->src.size || n > w->src.size - offset)
		return false;
	do
		r = pread(w->src.fd, buf, n, (off_t)offset);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)n;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* One zstd frame at @pos: its end, or 0. */
static uint64_t zstd_frame_end(const struct walk *w, uint64_t pos)
{
	static const unsigned did_sizes[] = { 0, 1, 2, 4 };
	unsigned char fhd, b[3];
	unsigned fcs, hsize;

	if (!read_at(w, pos + 4, &fhd, 1) || (fhd & 0x08))
		return 0;	/* the reserved bit is set: no frame */
	fcs = fhd >> 6;
	hsize = 1 + ((fhd & 0x20) ? 0 : 1) + did_sizes[fhd & 3] +
		(fcs == 0 ? ((fhd & 0x20) ? 1 : 0) : 1u << fcs);
	pos += 4 + hsize;
	for (;;) {
		uint32_t bh;
		unsigned type;

		if (!read_at(w, pos, b, 3))
			return 0;
		bh = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
		type = (bh >> 1) & 3;
		if (type == 3)
			return 0;
		pos += 3 + (type == 1 ? 1 : bh >> 3);
		if (pos > w->src.size)
			return 0;
		if (bh & 1)
			break;
	}
	if (fhd & 0x04)		/* content checksum */
		pos += 4;
	return pos <= w->src.size ? pos : 0;
}

/* The end of the zstd frames (and skippable frames) at @pos, or 0. */
static uint64_t zstd_end(const struct walk *w, uint64_t pos)
{
	unsigned char h[8];
	unsigned frames = 0;

	while (read_at(w, pos, h, 4)) {
		uint32_t magic = le32(h);
		uint64_t end;

		if (magic == 0xfd2fb528u) {
			end = zstd_frame_end(w, pos);
			if (!end)
				return 0;
		} else if ((magic & 0xfffffff0u) == 0x184d2a50u &&
			   read_at(w, pos, h, 8)) {
			end = pos + 8 + le32(h + 4);
		} else {
			break;
		}
		pos = end;
		frames++;
	}
	return frames ? pos : 0;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/*
 * Is there an xz stream footer ending at @end (the "YZ" at end - 2)?
 * Its CRC32 covers the index size and the flags, which must be the
 * header's, and the index it points to starts with a zero byte.
 */
static bool xz_footer_at(const struct walk *w, uint64_t start, uint64_t end,
			 const unsigned char flags[2])
{
	unsigned char f[12], indicator;
	uint64_t index_size;

	if (end < start + 24 || (end - start) % 4 || !read_at(w, end - 12, f, 12))
		return false;
	if (memcmp(f + 10, "YZ", 2) != 0 || memcmp(f + 8, flags, 2) != 0 ||
	    crc32_of(f + 4, 6) != le32(f))
		return false;
	index_size = ((uint64_t)le32(f + 4) + 1) * 4;
	if (index_size > end - 12 - start - 12)
		return false;
	return read_at(w, end - 12 - index_size, &indicator, 1) &&
	       indicator == 0;
}

/* The end of the xz stream at @start: its first valid footer, or 0. */
static uint64_t xz_end(struct walk *w, uint64_t start)
{
	unsigned char head[12];
	uint64_t pos = start + 12;

	if (!read_at(w, start, head, 12) || crc32_of(head + 6, 2) !=
						    le32(head + 8))
		return 0;
	while (pos < w->src.size) {
		size_t want = w->src.size - pos < CHUNK ?
				      (size_t)(w->src.size - pos) : CHUNK;
		const char *p, *q;

		if (!read_at(w, pos, w->src.buf, want))
			return 0;
		for (p = w->src.buf; (q = memchr(p, 'Y', want - (size_t)(p -
						 w->src.buf))); p = q + 1) {
			uint64_t end = pos + (uint64_t)(q - w->src.buf) + 2;

			if (xz_footer_at(w, start, end, head + 6))
				return end;
		}
		/* Overlap by one byte: a "YZ" across two chunks. */
		pos += want > 1 ? want - 1 : want;
	}
	return 0;
}

/* Where the stream at @offset ends when its decoder cannot tell: 0. */
static uint64_t stream_end(struct walk *w, uint64_t offset)
{
	unsigned char m[6];

	if (!read_at(w, offset, m, sizeof(m)))
		return 0;
	if (memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
		return xz_end(w, offset);
	if (memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0)
		return zstd_end(w, offset);
	return 0;
}

static int read_compressed(struct walk *w, uint64_t offset,
			   uint64_t *ret_len)
{
	_cleanup_archive_ struct archive *outer = archive_read_new();
	_cleanup_free_ char *buf = malloc(CHUNK);
	unsigned first = w->info.n_segments;
	struct archive_entry *e;
	uint64_t end;
	int64_t used;
	int r;

	if (!outer || !buf ||
	    archive_read_support_format_raw(outer) != ARCHIVE_OK)
		return -ENOMEM;
	r = support_filters(outer);
	if (r < 0)
		/* cppcheck-suppress memleak ; _cleanup_free_ frees buf */
		return r;
	/* The decoder reads up to the stream's end, not beyond. */
	end = stream_end(w, offset);
	if (end)
		w->src.limit = end;
	w->src.pos = offset;
	r = open_reader(w, outer, source_read, w);
	if (r == 0 && archive_read_next_header(outer, &e) != ARCHIVE_OK)
		r = archive_failure(w, outer);
	if (r < 0) {
		w->src.limit = 0;
		/* cppcheck-suppress memleak ; _cleanup_free_ frees buf */
		return r;
	}
	/* Raw data nobody decompresses is no compressed archive. */
	if (archive_filter_count(outer) < 2 || !filter_name(outer))
		/* cppcheck-suppress memleak ; _cleanup_free_ frees buf */
		return -EBADMSG;

	w->inner = outer;
	w->inner_buf = buf;
	w->inner_bytes = 0;
	w->inner_broken = false;
	w->pend_len = 0;
	r = read_stream(w, filter_name(outer));
	w->inner = NULL;
	w->pend_len = 0;
	w->src.limit = 0;
	if (w->error || w->stopped)
		return w->error;
	if (r < 0 && w->info.n_segments == first)
		return r;	/* not even one whole archive */
	if (r < 0 || w->inner_broken) {
		/* Whole archives, then what cannot be read: say so. */
		w->info.trailing_garbage = true;
		*ret_len = 0;
		return 0;
	}
	used = end ? (int64_t)(end - offset) : archive_filter_bytes(outer, -1);
	if (used <= 0)
		return -EBADMSG;
	*ret_len = (uint64_t)used;
	return 0;
}

/* Skip the zero bytes at @offset; *ret_next: the first other byte. */
static int skip_zeros(struct walk *w, uint64_t offset, uint64_t *ret_next)
{
	struct source *s = &w->src;

	while (offset < s->size) {
		size_t want = s->size - offset < CHUNK ?
				      (size_t)(s->size - offset) : CHUNK;
		ssize_t n = pread(s->fd, s->buf, want, (off_t)offset);
		size_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;	/* shrank under us */
		for (i = 0; i < (size_t)n && s->buf[i] == '\0'; i++)
			;
		offset += i;
		if (i < (size_t)n)
			break;
	}
	*ret_next = offset < s->size ? offset : s->size;
	return 0;
}

enum segment_kind { SEG_END, SEG_CPIO, SEG_COMPRESSED, SEG_UNKNOWN };

/* What starts at @offset, by its magic number. */
static enum segment_kind segment_at(struct walk *w, uint64_t offset)
{
	static const struct {
		const char *magic;
		size_t len;
	} magics[] = {
		{ "\x1f\x8b", 2 },			/* gzip */
		{ "\x1f\x9e", 2 },			/* old gzip */
		{ "\xfd" "7zXZ\0", 6 },			/* xz */
		{ "\x5d\0\0", 3 },			/* lzma */
		{ "\x28\xb5\x2f\xfd", 4 },		/* zstd */
		{ "\x02\x21\x4c\x18", 4 },		/* lz4 legacy */
		{ "BZh", 3 },				/* bzip2 */
	};
	unsigned char head[8] = { 0 };
	ssize_t n;

	if (offset >= w->src.size)
		return SEG_END;
	do
		n = pread(w->src.fd, head, sizeof(head), (off_t)offset);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return SEG_END;
	if (n >= 6 && memcmp(head, "07070", 5) == 0 &&
	    (head[5] == '1' || head[5] == '2' || head[5] == '7'))
		return SEG_CPIO;
	for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
		if ((size_t)n >= magics[i].len &&
		    memcmp(head, magics[i].magic, magics[i].len) == 0)
			return SEG_COMPRESSED;
	return SEG_UNKNOWN;
}

static int walk_segments(struct walk *w)
{
	uint64_t offset = 0;

	for (;;) {
		enum segment_kind kind;
		uint64_t len = 0;
		int r;

		r = skip_zeros(w, offset, &offset);
		if (r < 0)
			return r;
		kind = segment_at(w, offset);
		if (kind == SEG_END)
			break;
		if (kind == SEG_UNKNOWN || w->info.n_segments ==
						   GP_INITRAMFS_MAX_SEGMENTS) {
			/* The kernel stops here too ("junk in archive"). */
			if (w->info.n_segments == 0)
				return -EBADMSG;
			w->info.trailing_garbage = true;
			break;
		}
		if (kind == SEG_CPIO) {
			w->info.compression[w->info.n_segments] = "none";
			r = read_plain(w, offset, &len);
			if (r == 0)
				w->info.n_segments++;
		} else {
			r = read_compressed(w, offset, &len);
		}
		if (r < 0)
			return r;
		if (w->stopped || len == 0)
			break;
		offset += len;
	}
	return w->info.n_segments ? 0 : -EBADMSG;
}

int gp_initramfs_list_fd(int fd, gp_initramfs_fn fn, void *userdata,
			 struct gp_initramfs_info *ret_info)
{
	_cleanup_free_ struct walk *w = NULL;
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if ((uint64_t)st.st_size > GP_INITRAMFS_MAX_FILE)
		return -EFBIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->src.fd = fd;
	w->src.size = (uint64_t)st.st_size;
	w->fn = fn;
	w->userdata = userdata;
	r = walk_segments(w);
	if (r < 0)
		return r;
	if (ret_info)
		*ret_info = w->info;
	return 0;
}

int gp_initramfs_list(const struct gp_root *root, const char *path,
		      gp_initramfs_fn fn, void *userdata,
		      struct gp_initramfs_info *ret_info)
{
	_cleanup_close_ int fd = -1;
	int r;

	/* Non-blocking: a FIFO planted there must not hang the check. */
	r = gp_root_open(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, &fd);
	if (r < 0)
		return r;
	return gp_initramfs_list_fd(fd, fn, userdata, ret_info);
}

bool gp_initramfs_module_name(const char *path, char *buf, size_t size)
{
	static const char *const suffixes[] = {
		".ko", ".ko.gz", ".ko.xz", ".ko.zst", ".ko.bz2",
	};
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t sl = strlen(suffixes[i]);

		if (len <= sl || strcmp(base + len - sl, suffixes[i]) != 0)
			continue;
		if (len - sl >= size)
			return false;
		for (size_t k = 0; k < len - sl; k++)
			buf[k] = base[k] == '-' ? '_' : base[k];
		buf[len - sl] = '\0';
		return true;
	}
	return false;
}
