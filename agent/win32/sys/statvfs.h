/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  Windows has no statvfs(3); root.h hands its struct to
 * the checks all the same, and agent/root-win32.c fills it from
 * GetDiskFreeSpaceExW (in bytes: f_frsize is 1).  NTFS has no fixed
 * inode count, so f_files and f_favail are 0.
 */
#ifndef GUESTPREP_WIN32_SYS_STATVFS_H
#define GUESTPREP_WIN32_SYS_STATVFS_H

#include <stdint.h>

typedef uint64_t fsblkcnt_t;
typedef uint64_t fsfilcnt_t;

struct statvfs {
	unsigned long f_bsize, f_frsize;
	fsblkcnt_t f_blocks, f_bfree, f_bavail;
	fsfilcnt_t f_files, f_ffree, f_favail;
	unsigned long f_fsid, f_flag, f_namemax;
};

#endif
