/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The POSIX calls of the portable core, on the Windows
 * C runtime (see compat-win32.h).  File names are the runtime's: the
 * ANSI code page, as argv gives them.
 */
#include "config.h"

#include <io.h>
#include <stdlib.h>
#include <windows.h>

#include "guestprep/macro.h"

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *stpcpy(char *dst, const char *src)
{
	size_t len = strlen(src);

	memcpy(dst, src, len + 1);
	return dst + len;
}

void explicit_bzero(void *p, size_t n)
{
	/* Never optimised away, which is the point. */
	SecureZeroMemory(p, n);
}

/*
 * The template's XXXXXX: Windows' own unique names, made exclusively.
 * FILE_SHARE_DELETE, which the C runtime's open() leaves out, lets the
 * file be renamed or removed while it is open, as POSIX allows.
 */
int mkostemp(char *tmpl, int flags)
{
	size_t len = strlen(tmpl);
	_cleanup_free_ char *copy = NULL;

	if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return -1;
	}
	copy = strdup(tmpl);
	if (!copy)
		return -1;
	for (int tries = 0; tries < 100; tries++) {
		HANDLE h;
		int fd;

		memcpy(copy, tmpl, len + 1);
		if (_mktemp_s(copy, len + 1) != 0)
			continue;
		h = CreateFileA(copy, GENERIC_READ | GENERIC_WRITE,
				FILE_SHARE_READ | FILE_SHARE_WRITE |
					FILE_SHARE_DELETE,
				NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
		if (h == INVALID_HANDLE_VALUE) {
			if (GetLastError() == ERROR_FILE_EXISTS)
				continue;
			errno = GetLastError() == ERROR_ACCESS_DENIED ? EACCES
								      : EIO;
			return -1;
		}
		fd = _open_osfhandle((intptr_t)h,
				     _O_RDWR | _O_BINARY |
					     (flags & _O_NOINHERIT));
		if (fd < 0) {
			CloseHandle(h);
			DeleteFileA(copy);
			return -1;
		}
		memcpy(tmpl, copy, len + 1);
		return fd;
	}
	errno = EEXIST;
	return -1;
}

/* Files take their access from the directory's ACL. */
int fchmod(int fd, mode_t mode)
{
	return 0;
}

int fsync(int fd)
{
	return _commit(fd);
}

char *realpath(const char *path, char *resolved)
{
	char *full = _fullpath(resolved, path, resolved ? _MAX_PATH : 0);

	if (!full)
		return NULL;
	if (_access(full, 0) != 0) {
		if (!resolved)
			free(full);
		errno = ENOENT;
		return NULL;
	}
	return full;
}

FILE *open_memstream(char **ret_buf, size_t *ret_len)
{
	errno = ENOSYS;
	return NULL;
}

#undef rename
int gp_win32_rename(const char *from, const char *to)
{
	if (MoveFileExA(from, to,
			MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		return 0;
	errno = GetLastError() == ERROR_ACCESS_DENIED ? EACCES : EIO;
	return -1;
}

#undef strerror
char *gp_win32_strerror(int err)
{
	switch (err) {
	case EMEDIUMTYPE:
		return "Wrong medium type";
	case ENOMEDIUM:
		return "No medium found";
	case EOPNOTSUPP:
		return "Operation not supported";
	case EBADMSG:
		return "Bad message";
	case ELOOP:
		return "Too many levels of symbolic links";
	case ENOTSUP:
		return "Not supported";
	case ESTALE:
		return "Stale file handle";
	default:
		return strerror(err);
	}
}
