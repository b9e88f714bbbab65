/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c, `make fuzz`).
 *
 * Parsers that take a gp_root read their input from a temporary tree:
 * it is made once per process (fuzz_tree()), each input rewrites the
 * files it needs (fuzz_put()) and removes those of the input before
 * (fuzz_reset()), so one input never sees another's files.  The tree is
 * removed at exit.  Nothing is written anywhere else.
 */
#ifndef GUESTPREP_FUZZ_H
#define GUESTPREP_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "guestprep/root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PUT 16

static char *fuzz_dir;
static struct gp_root *fuzz_root;
static char *fuzz_paths[FUZZ_MAX_PUT];
static size_t fuzz_n_paths;

static inline void fuzz_die(const char *what)
{
	perror(what);
	abort();
}

static inline int fuzz_rm_one(const char *path, const struct stat *st,
			      int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void fuzz_tree_cleanup(void)
{
	for (size_t i = 0; i < fuzz_n_paths; i++)
		free(fuzz_paths[i]);
	fuzz_n_paths = 0;
	gp_root_free(fuzz_root);
	fuzz_root = NULL;
	if (fuzz_dir)
		nftw(fuzz_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fuzz_dir);
	fuzz_dir = NULL;
}

/* mkdir -p of the parents of @rel inside the tree. */
static inline void fuzz_mkparents(const char *rel)
{
	char buf[4096];
	int n = snprintf(buf, sizeof(buf), "%s/%s", fuzz_dir, rel);

	if (n < 0 || (size_t)n >= sizeof(buf))
		fuzz_die("path too long");
	for (char *p = buf + strlen(fuzz_dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			fuzz_die(buf);
		*p = '/';
	}
}

/* The tree (created on first use) and its path. */
static inline struct gp_root *fuzz_tree(void)
{
	if (fuzz_root)
		return fuzz_root;
	const char *tmp = getenv("TMPDIR");
	if (asprintf(&fuzz_dir, "%s/gp-fuzz-XXXXXX", tmp ? tmp : "/tmp") < 0)
		fuzz_die("asprintf");
	if (!mkdtemp(fuzz_dir))
		fuzz_die("mkdtemp");
	if (gp_root_new(fuzz_dir, &fuzz_root) < 0)
		fuzz_die("gp_root_new");
	atexit(fuzz_tree_cleanup);
	return fuzz_root;
}

/* Write a file that stays for the whole run (set-up, not input). */
static inline void fuzz_fixed(const char *rel, const void *data, size_t size)
{
	char *path;
	int fd;

	fuzz_tree();
	fuzz_mkparents(rel);
	if (asprintf(&path, "%s/%s", fuzz_dir, rel) < 0)
		fuzz_die("asprintf");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fuzz_die(path);
	if (size && write(fd, data, size) != (ssize_t)size)
		fuzz_die(path);
	close(fd);
	free(path);
}

/* Remove the files the previous input wrote. */
static inline void fuzz_reset(void)
{
	for (size_t i = 0; i < fuzz_n_paths; i++) {
		unlink(fuzz_paths[i]);
		free(fuzz_paths[i]);
	}
	fuzz_n_paths = 0;
}

/* Write @rel (relative to the tree) for this input only. */
static inline void fuzz_put(const char *rel, const void *data, size_t size)
{
	char *path;

	if (fuzz_n_paths == FUZZ_MAX_PUT)
		fuzz_die("too many files");
	fuzz_fixed(rel, data, size);
	if (asprintf(&path, "%s/%s", fuzz_dir, rel) < 0)
		fuzz_die("asprintf");
	fuzz_paths[fuzz_n_paths++] = path;
}

/*
 * Split an input into the parts separated by a line "\n----\n": targets
 * that read several files take one per part.  Returns the number of
 * parts found (at most @max); part i is @parts[i], @lens[i].
 */
static inline size_t fuzz_split(const uint8_t *data, size_t size,
				const uint8_t **parts, size_t *lens, size_t max)
{
	static const char sep[] = "\n----\n";
	size_t n = 0;

	while (n < max) {
		const uint8_t *end = n + 1 < max ?
			memmem(data, size, sep, sizeof(sep) - 1) : NULL;
		size_t len = end ? (size_t)(end - data) : size;

		parts[n] = data;
		lens[n++] = len;
		if (!end)
			break;
		data += len + sizeof(sep) - 1;
		size -= len + sizeof(sep) - 1;
	}
	return n;
}

#endif
