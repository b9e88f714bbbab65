/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Paths already looked at, by what they resolve to inside the root, so
 * that a tree where one directory is a link to another (merged /usr:
 * /lib -> usr/lib; /etc/init.d -> rc.d/init.d; /var/lib/rpm ->
 * ../../usr/lib/sysimage/rpm) has nothing counted twice.
 *
 * The set is a string vector (strv.h) of resolved paths, NULL when
 * empty; the caller frees it with strv_free().
 */
#ifndef GUESTPREP_SEEN_H
#define GUESTPREP_SEEN_H

#include "guestprep/root.h"

/*
 * 1 when @path resolves to a path not in *@seen (it is added), 0 when it
 * was seen, -ENOMEM.  A path that does not resolve (missing, a loop)
 * stands for itself.
 */
int gp_seen_first(const struct gp_root *root, char ***seen, const char *path);

#endif
