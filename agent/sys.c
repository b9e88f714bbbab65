/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "sys.h"

int gp_sys_fstatvfs(int fd, struct statvfs *ret)
{
	return fstatvfs(fd, ret) < 0 ? -errno : 0;
}

int gp_sys_uname(struct utsname *ret)
{
	return uname(ret) < 0 ? -errno : 0;
}

int gp_sys_isatty(int fd)
{
	return isatty(fd);
}
