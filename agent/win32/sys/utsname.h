/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  uname(2)'s struct, only so that agent/sys.h declares
 * gp_sys_uname() the same way in both builds; guestprep.exe asks Windows
 * itself (agent/host-win32.c) and never calls it.
 */
#ifndef GUESTPREP_WIN32_SYS_UTSNAME_H
#define GUESTPREP_WIN32_SYS_UTSNAME_H

struct utsname {
	char sysname[65], nodename[65], release[65], version[65],
		machine[65];
};

#endif
