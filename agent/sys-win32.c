/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The seam of sys.h in guestprep.exe.  The machine and
 * the disk's free space come from Windows itself (host-win32.c,
 * root-win32.c); only the terminal test is asked of the C runtime.
 */
#include "config.h"

#include <errno.h>
#include <io.h>

#include "sys.h"

int gp_sys_fstatvfs(int fd, struct statvfs *ret)
{
	return -EOPNOTSUPP;
}

int gp_sys_uname(struct utsname *ret)
{
	return -EOPNOTSUPP;
}

int gp_sys_isatty(int fd)
{
	return _isatty(fd);
}
