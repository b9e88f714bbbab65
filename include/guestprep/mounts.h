/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The root's /etc/fstab, parsed by libmount.
 *
 * The file is read through the root (libmount never opens it itself)
 * and parsed with mnt_table_parse_stream().  Lines libmount rejects are
 * skipped and listed, as `findmnt --verify` reports them, so a check can
 * name the bad lines and still judge the others.  libmount does not say
 * on which line an entry stands, so the entries are numbered against the
 * text the way libmount reads it: blank lines, comments and rejected
 * lines are not entries.
 *
 * Ownership: struct gp_fstab owns everything it points to: the text, one
 * reference to the table, the arrays.  The struct libmnt_fs pointers of
 * the entries belong to the table and stay valid until gp_fstab_done()
 * (mnt_ref_table() keeps the table longer).  Use the table with
 * libmount's own calls (mnt_table_find_target(), mnt_fs_get_source(),
 * mnt_fs_match_options(), ...); it has no cache, so nothing is resolved
 * against the running system.
 */
#ifndef GUESTPREP_MOUNTS_H
#define GUESTPREP_MOUNTS_H

#include <stddef.h>
#include <libmount.h>
#include "guestprep/root.h"

#define GP_FSTAB "/etc/fstab"

struct gp_fstab_entry {
	unsigned line;		/* from 1; 0 when the text scan lost it */
	struct libmnt_fs *fs;
};

struct gp_fstab {
	char *text;		/* the file as read, NUL-terminated */
	size_t len;
	struct libmnt_table *table;
	struct gp_fstab_entry *entries;	/* in file order */
	size_t n_entries;
	unsigned *bad_lines;	/* lines libmount rejected, ascending */
	size_t n_bad;
};

/*
 * Read and parse the root's /etc/fstab into *ret (free it with
 * gp_fstab_done()).  0; the errors of gp_root_read_file() (-ENOENT when
 * there is none, -EISDIR, -EINVAL for a FIFO or device, -EFBIG, ...);
 * -EBADMSG when libmount gives up on the file as a whole; -ENOMEM.
 * An empty file is an empty table.
 */
int gp_fstab_load(const struct gp_root *root, struct gp_fstab *ret);
void gp_fstab_done(struct gp_fstab *t);

#endif
