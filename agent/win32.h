/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  Helpers the agent/...-win32.c files share, and the two
 * seams of the portable core that ask Windows itself: the running
 * release (osid.c) and the machine (host.c).  guestprep.exe only.
 */
#ifndef GUESTPREP_WIN32_H
#define GUESTPREP_WIN32_H

#include <stddef.h>
#include <wchar.h>

#include "guestprep/host.h"

/* A Win32 error code (GetLastError, LSTATUS) as a negative errno. */
int win32_errno(unsigned long err);
/* UTF-8 to a NUL-terminated UTF-16 string: 0, -EINVAL, -ENOMEM. */
int win32_to_wide(const char *utf8, wchar_t **ret);
/* @n UTF-16 units to UTF-8 (lone surrogates become U+FFFD). */
int win32_from_wide(const wchar_t *w, size_t n, char **ret);

/*
 * The running Windows' "major.minor.build" from RtlGetVersion (which,
 * unlike GetVersionEx, does not lie to programs without a manifest),
 * and its service pack ("Service Pack 2", or NULL).  0, -ENOMEM, or
 * -ENOSYS when ntdll has no RtlGetVersion.
 */
int win32_os_version(char **ret_version, char **ret_sp);

/*
 * The system disk, "\\.\PhysicalDriveN": the one disk under the
 * volume of the Windows directory.  0, -ENOMEM, or why not (a volume
 * over several disks is -EMEDIUMTYPE).
 */
int win32_system_disk(char **ret);

/*
 * session.c: with no --disk, the system disk for windows_disk (left
 * empty, and said in the debug log, when it cannot be found).  0 or
 * -ENOMEM.
 */
int win32_default_disks(char ***disks);

/* host.c: the architecture and kernel ("10.0.17763") of this Windows. */
int host_win32_machine(struct gp_host *host);

#endif
