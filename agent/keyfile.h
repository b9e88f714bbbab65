/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "key = value" files: the configuration file and profiles.
 *
 * One assignment per line; blank lines and lines starting with '#' or ';'
 * are ignored; blanks around key and value are dropped and a value may be
 * "double quoted" to keep them.  Anything else is an error that names the
 * file and line.  Entries and their strings belong to the caller
 * (keyfile_free()).
 */
#ifndef GUESTPREP_KEYFILE_H
#define GUESTPREP_KEYFILE_H

#include <stddef.h>

/* Configuration and profiles are small; anything bigger is a mistake. */
#define KEYFILE_MAX_SIZE (1u << 20)

struct keyfile_entry {
	char *key;
	char *value;
	unsigned line;
};

struct keyfile {
	char *name;		/* for messages: the path or "builtin:NAME" */
	struct keyfile_entry *entries;
	size_t n_entries;
};

/* 0, -ENOMEM, or -EINVAL with *ret_error = "NAME:LINE: what". */
int keyfile_parse(const char *name, const char *text, struct keyfile *ret,
		  char **ret_error);

/*
 * Read @path from the real file system (configuration belongs to the
 * machine guestprep runs on, not to the --root tree).  -ENOENT when it
 * does not exist; other failures set *ret_error.
 */
int keyfile_load(const char *path, struct keyfile *ret, char **ret_error);

void keyfile_done(struct keyfile *kf);

#endif
