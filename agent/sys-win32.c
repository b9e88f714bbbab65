/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The seam of sys.h in guestprep.exe.  The machine and
 * the disk's free space come from Windows itself (host-win32.c,
 * root-win32.c); the terminal test asks the console.
 */
#include "config.h"

#include <errno.h>
#include <io.h>
#include <unistd.h>
#include <windows.h>

#include "sys.h"

int gp_sys_fstatvfs(int fd, struct statvfs *ret)
{
	return -EOPNOTSUPP;
}

int gp_sys_uname(struct utsname *ret)
{
	return -EOPNOTSUPP;
}

/*
 * A console, not a file, pipe or NUL (_isatty() says yes to NUL too).
 * For output, colour is the question: only a console that takes ANSI
 * sequences (Windows 10 and later, once asked to) counts, else the
 * sequences would show as text.
 */
int gp_sys_isatty(int fd)
{
	intptr_t h = _get_osfhandle(fd);
	DWORD mode;

	if (h == -1 || !GetConsoleMode((HANDLE)h, &mode))
		return 0;
	if (fd == STDIN_FILENO || (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING))
		return 1;
	return SetConsoleMode((HANDLE)h,
			      mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}
