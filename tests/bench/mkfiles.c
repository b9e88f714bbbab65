// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkfiles: the bulk of the benchmark tree in one process (a shell loop
 * of `head -c` takes a minute for the few thousand module files).
 *
 *   mkfiles SEED < LIST
 *
 * LIST has "PATH SIZE" lines; each PATH is created (with its parent
 * directories) holding SIZE bytes: the first 45% pseudo-random, the
 * rest zeros, which zstd packs about 2:1 like real .ko files.  The
 * bytes come from xorshift64* seeded with SEED and the line number, so
 * the same list gives the same files, and the images built from them
 * the same size, on every run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GOLDEN 0x9e3779b97f4a7c15ull

static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* mkdir -p of the directory part of @path. */
static int make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

static int write_file(const char *path, uint64_t size, uint64_t seed)
{
	static unsigned char buf[1 << 16];
	uint64_t rnd = size * 45 / 100, done = 0;
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	while (done < size) {
		size_t n =
			size - done < sizeof(buf) ? size - done : sizeof(buf);

		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = done + i < rnd ? next(&seed) : 0;

			memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
		}
		if (fwrite(buf, 1, n, f) != n)
			break;
		done += n;
	}
	if (fclose(f) != 0 || done < size)
		return -EIO;
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	uint64_t seed, size, line = 0;

	if (argc != 2) {
		fputs("usage: mkfiles SEED < LIST\n", stderr);
		return 2;
	}
	seed = strtoull(argv[1], NULL, 10);
	while (scanf("%4095s %" SCNu64, path, &size) == 2) {
		/* One stream per file, never zero (xorshift's fixed point). */
		uint64_t stream = ((seed << 32) ^ ++line) * GOLDEN | 1;
		int r = make_parents(path);

		if (r == 0)
			r = write_file(path, size, stream);
		if (r < 0) {
			fprintf(stderr, "mkfiles: %s: %s\n", path,
				strerror(-r));
			return 1;
		}
	}
	return 0;
}
