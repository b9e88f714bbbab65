/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capabilities.  Check mode keeps only CAP_DAC_READ_SEARCH (read any
 * file, search any directory) in its effective, permitted and bounding
 * sets, empties the inheritable and ambient sets and sets no_new_privs,
 * before any plugin runs: whatever a check does, it cannot write as
 * root-with-powers, load modules, mount, or gain privileges through exec.
 */
#ifndef GUESTPREP_CAPS_H
#define GUESTPREP_CAPS_H

#include <stdbool.h>

/* 0 or -errno (then the run must not go on). */
int caps_drop_for_check(void);

/*
 * Fix mode keeps what journaled file edits and their undo need (override
 * permissions, restore owners, modes, and security and trusted xattrs,
 * which takes CAP_SYS_ADMIN where no security module decides), chroot, and
 * what service commands need (kill, setuid/setgid for their helpers).
 * With @keep_all (--remove-packages) nothing is dropped: package scripts
 * may need any capability.
 */
int caps_drop_for_fix(bool keep_all);

/* "cap_dac_read_search" or "none": the effective set, for the debug log. */
char *caps_describe(void);

#endif
