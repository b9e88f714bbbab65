// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inflate: decompress a file, or the part of it from OFFSET on, with
 * libarchive's filters (the decoders guestprep's initramfs reader uses)
 * and throw the bytes away: the floor of reading a compressed initramfs
 * in process.  `gzip -dc` is no floor for a gzip image: its own inflate
 * is about twice as slow as zlib's.
 *
 *   inflate FILE [OFFSET]
 *
 * Prints the number of decompressed bytes.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 17];
	struct archive_entry *e;
	struct archive *a;
	uint64_t total = 0;
	la_ssize_t n;
	off_t offset;
	int fd;

	if (argc < 2 || argc > 3) {
		fputs("usage: inflate FILE [OFFSET]\n", stderr);
		return 2;
	}
	offset = argc == 3 ? (off_t)strtoull(argv[2], NULL, 10) : 0;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, offset, SEEK_SET) < 0) {
		perror(argv[1]);
		return 1;
	}
	a = archive_read_new();
	if (!a || archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, sizeof(buf)) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		fprintf(stderr, "inflate: %s: %s\n", argv[1],
			a ? archive_error_string(a) : "out of memory");
		return 1;
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		total += (uint64_t)n;
	if (n < 0) {
		fprintf(stderr, "inflate: %s: %s\n", argv[1],
			archive_error_string(a));
		return 1;
	}
	archive_read_free(a);
	close(fd);
	printf("%" PRIu64 "\n", total);
	return 0;
}
