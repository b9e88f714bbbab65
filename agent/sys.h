/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam between guestprep and the live system: every call whose
 * answer depends on the machine rather than on the files in the root.
 * It lives in its own object file so that tests can replace any of it
 * with -Wl,--wrap=gp_sys_...; nothing else in the tree calls these
 * system interfaces directly.
 */
#ifndef GUESTPREP_SYS_H
#define GUESTPREP_SYS_H

#include <sys/statvfs.h>
#include <sys/utsname.h>

int gp_sys_fstatvfs(int fd, struct statvfs *ret);
int gp_sys_uname(struct utsname *ret);
/* Whether standard output is a terminal (colour in the text report). */
int gp_sys_isatty(int fd);

#endif
