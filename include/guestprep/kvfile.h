/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell-style assignment files: os-release(5), lsb-release,
 * /etc/selinux/config, the /etc/sysconfig files, ifcfg-NAME.
 *
 * Lines are KEY=VALUE; VALUE may be 'single quoted', "double quoted"
 * (with \" \\ \$ \` escapes) or bare (with backslash escapes); comments
 * start with '#'; "export KEY=..." is accepted.  Anything else (command
 * substitution, variable expansion) is kept as literal text, never run.
 * Lines that are not assignments are counted in bad_lines with the first
 * one's number, so a check can report a garbled file.
 *
 * Kernel options inside a value (GRUB_CMDLINE_LINUX="... enforcing=1")
 * are found with the helpers of guestprep/cmdline.h.
 */
#ifndef GUESTPREP_KVFILE_H
#define GUESTPREP_KVFILE_H

#include <stddef.h>

struct gp_root;

struct gp_kv {
	char *key;
	char *value;
	unsigned line;
};

struct gp_kvfile {
	struct gp_kv *items;
	size_t n_items;
	unsigned bad_lines;
	unsigned first_bad_line;
};

/* Parse @len bytes of @text.  Returns 0 or -ENOMEM. */
int gp_kv_parse(const char *text, size_t len, struct gp_kvfile *ret);

/* Read and parse @path inside @root: errors as gp_root_read_file(). */
int gp_kv_load(const struct gp_root *root, const char *path,
	       struct gp_kvfile *ret);

/* The value of the last assignment to @key, or NULL. */
const char *gp_kv_get(const struct gp_kvfile *kv, const char *key);
const struct gp_kv *gp_kv_find(const struct gp_kvfile *kv, const char *key);

void gp_kv_done(struct gp_kvfile *kv);

#endif
