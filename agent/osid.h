/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Agent-private: which operating system a root holds, from its files
 * alone.  host.c adds what the running kernel or the binaries tell.
 */
#ifndef GUESTPREP_OSID_H
#define GUESTPREP_OSID_H

#include "guestprep/host.h"

struct gp_root;

/*
 * Fill the identity fields of @ret (kind, family, id, version, pretty,
 * source, notes); the profile fields are left alone.  Unreadable or
 * hostile files make the system unknown, not the call fail: 0 or -ENOMEM.
 */
int osid_detect(const struct gp_root *root, struct gp_os *ret);

/*
 * windows: winreg.  The architecture a Windows tree was installed for
 * (PROCESSOR_ARCHITECTURE in its registry), as host.h names them; *@ret
 * is left alone when it cannot be told.  0 or -ENOMEM.
 */
int osid_windows_arch(const struct gp_root *root, char **ret);

/* Free what osid_detect() filled in; accepts a zeroed struct. */
void osid_done(struct gp_os *os);

#endif
