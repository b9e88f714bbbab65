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

/* 0 or -errno (then the run must not go on). */
int caps_drop_for_check(void);

/* "cap_dac_read_search" or "none": the effective set, for the debug log. */
char *caps_describe(void);

#endif
