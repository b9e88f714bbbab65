/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  Root-confined file access (root.h) for guestprep.exe,
 * which looks at the running Windows only: the root is the system drive
 * (the drive of GetSystemWindowsDirectoryW, "C:\"), and "/Windows/System32"
 * names C:\Windows\System32.  '/' and '\' both separate components; ".."
 * stops at the drive, and a component with ':' (another drive, an
 * alternate data stream) is refused, so no path leaves the system
 * drive.  Junctions are followed as Windows follows them: on a live
 * system they are the system's own.  Files are opened with the wide
 * API, read only, and with the limits of agent/root.c: a regular file
 * up to GP_ROOT_MAX_FILE (or the caller's size), -EISDIR for a
 * directory, -EINVAL for a device.  Only what guestprep.exe links is
 * here; the fix-mode calls are absent.
 */
#include "config.h"

#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "guestprep/macro.h"
#include "guestprep/root.h"
#include "guestprep/strv.h"
#include "win32.h"

struct gp_root {
	char *path;	  /* as given: "/" */
	wchar_t drive[4]; /* "C:\" */
};

int gp_root_new(const char *path, struct gp_root **ret)
{
	_cleanup_free_ struct gp_root *root = NULL;
	wchar_t windir[MAX_PATH];
	UINT n;

	/* Offline trees are the Linux build's: cli.c refuses --root. */
	if (strcmp(path, "/") != 0)
		return -EOPNOTSUPP;
	n = GetSystemWindowsDirectoryW(windir, ARRAY_SIZE(windir));
	if (n == 0 || n >= ARRAY_SIZE(windir))
		return win32_errno(GetLastError());
	if (n < 2 || windir[1] != L':')
		return -ENOENT;
	root = calloc(1, sizeof(*root));
	if (!root)
		return -ENOMEM;
	root->drive[0] = windir[0];
	root->drive[1] = L':';
	root->drive[2] = L'\\';
	root->path = strdup(path);
	if (!root->path)
		return -ENOMEM;
	*ret = TAKE_PTR(root);
	return 0;
}

void gp_root_free(struct gp_root *root)
{
	if (!root)
		return;
	free(root->path);
	free(root);
}

void gp_root_allow_writes(struct gp_root *root)
{
}

const char *gp_root_path(const struct gp_root *root)
{
	return root->path;
}

bool gp_root_is_live(const struct gp_root *root)
{
	return true;
}

/*
 * @path inside the drive, as a wide Windows path: the components
 * between separators, "." dropped, ".." taking one back (never above
 * the drive).  -EINVAL for a relative path or a component with ':'.
 */
static int map_path(const struct gp_root *root, const char *path, wchar_t **ret)
{
	_cleanup_(strv_freep) char **comp = NULL;
	_cleanup_free_ char *joined = NULL, *full = NULL;
	size_t n = 0;
	int r;

	if (!path || (path[0] != '/' && path[0] != '\\'))
		return -EINVAL;
	while (*path) {
		size_t len;

		path += strspn(path, "/\\");
		len = strcspn(path, "/\\");
		if (len == 0)
			break;
		if (memchr(path, ':', len))
			return -EINVAL;
		if (len == 2 && path[0] == '.' && path[1] == '.') {
			if (n > 0) {
				n--;
				free(comp[n]);
				comp[n] = NULL;
			}
		} else if (!(len == 1 && path[0] == '.')) {
			r = strv_consume(&comp, strndup(path, len));
			if (r < 0)
				return r;
			n++;
		}
		path += len;
	}
	joined = comp ? strv_join(comp, "\\") : strdup("");
	if (!joined)
		return -ENOMEM;
	full = strprintf("%lc:\\%s", (wint_t)root->drive[0], joined);
	if (!full)
		return -ENOMEM;
	return win32_to_wide(full, ret);
}

static time_t filetime_to_unix(FILETIME ft)
{
	uint64_t t = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;

	/* 100 ns ticks since 1601 to seconds since 1970. */
	return (time_t)(t / 10000000ull - 11644473600ull);
}

int gp_root_stat(const struct gp_root *root, const char *path, bool follow,
		 struct stat *ret)
{
	_cleanup_free_ wchar_t *w = NULL;
	WIN32_FILE_ATTRIBUTE_DATA a;
	int r = map_path(root, path, &w);

	if (r < 0)
		return r;
	if (!GetFileAttributesExW(w, GetFileExInfoStandard, &a))
		return win32_errno(GetLastError());
	*ret = (struct stat){0};
	ret->st_mode = (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
			       ? S_IFDIR | 0755
			       : S_IFREG | 0644;
	if (a.dwFileAttributes & FILE_ATTRIBUTE_READONLY)
		ret->st_mode &= ~0222;
	ret->st_size =
		(off_t)((uint64_t)a.nFileSizeHigh << 32 | a.nFileSizeLow);
	ret->st_mtime = filetime_to_unix(a.ftLastWriteTime);
	ret->st_nlink = 1;
	return 0;
}

bool gp_root_exists(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, true, &st) == 0;
}

bool gp_root_is_dir(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, true, &st) == 0 && S_ISDIR(st.st_mode);
}

bool gp_root_is_file(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, true, &st) == 0 && S_ISREG(st.st_mode);
}

static void handle_closep(HANDLE *h)
{
	if (*h != INVALID_HANDLE_VALUE)
		CloseHandle(*h);
}

/* A regular file, for reading; never a directory, device or pipe. */
static int open_file(const struct gp_root *root, const char *path, HANDLE *ret)
{
	_cleanup_free_ wchar_t *w = NULL;
	HANDLE h;
	DWORD attr;
	int r = map_path(root, path, &w);

	if (r < 0)
		return r;
	attr = GetFileAttributesW(w);
	if (attr == INVALID_FILE_ATTRIBUTES)
		return win32_errno(GetLastError());
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		return -EISDIR;
	h = CreateFileW(w, GENERIC_READ,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return win32_errno(GetLastError());
	if (GetFileType(h) != FILE_TYPE_DISK) {
		CloseHandle(h);
		return -EINVAL;
	}
	*ret = h;
	return 0;
}

int gp_root_open(const struct gp_root *root, const char *path, int flags,
		 int *ret_fd)
{
	_cleanup_(handle_closep) HANDLE h = INVALID_HANDLE_VALUE;
	int fd, r;

	if ((flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	r = open_file(root, path, &h);
	if (r < 0)
		return r;
	fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY);
	if (fd < 0)
		return -EMFILE;
	h = INVALID_HANDLE_VALUE; /* the descriptor owns it now */
	*ret_fd = fd;
	return 0;
}

int gp_root_read_file(const struct gp_root *root, const char *path,
		      size_t max_size, char **ret_data, size_t *ret_size)
{
	_cleanup_(handle_closep) HANDLE h = INVALID_HANDLE_VALUE;
	_cleanup_free_ char *data = NULL;
	LARGE_INTEGER size;
	size_t n = 0;
	int r;

	if (max_size == 0)
		max_size = GP_ROOT_MAX_FILE;
	r = open_file(root, path, &h);
	if (r < 0)
		return r;
	if (!GetFileSizeEx(h, &size))
		return win32_errno(GetLastError());
	if ((uint64_t)size.QuadPart > max_size)
		return -EFBIG;
	data = malloc((size_t)size.QuadPart + 1);
	if (!data)
		return -ENOMEM;
	/* The file may grow while read: never past what was allocated. */
	while (n < (size_t)size.QuadPart) {
		size_t left = (size_t)size.QuadPart - n;
		DWORD want = left < (1u << 20) ? (DWORD)left : 1u << 20;
		DWORD got = 0;

		if (!ReadFile(h, data + n, want, &got, NULL))
			return win32_errno(GetLastError());
		if (got == 0)
			break;
		n += got;
	}
	data[n] = '\0';
	*ret_data = TAKE_PTR(data);
	*ret_size = n;
	return 0;
}

int gp_root_fopen(const struct gp_root *root, const char *path, FILE **ret)
{
	FILE *f;
	int fd, r;

	r = gp_root_open(root, path, O_RDONLY, &fd);
	if (r < 0)
		return r;
	f = _fdopen(fd, "rb");
	if (!f) {
		r = -errno;
		_close(fd);
		return r;
	}
	*ret = f;
	return 0;
}

/* The C runtime's opendir() takes the ANSI code page, not UTF-16. */
int gp_root_opendir(const struct gp_root *root, const char *path, DIR **ret)
{
	_cleanup_free_ wchar_t *w = NULL;
	_cleanup_free_ char *ansi = NULL;
	BOOL lossy = FALSE;
	DIR *d;
	int n, r = map_path(root, path, &w);

	if (r < 0)
		return r;
	n = WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, w, -1, NULL, 0,
				NULL, &lossy);
	if (n <= 0 || lossy)
		return -EILSEQ;
	ansi = malloc((size_t)n);
	if (!ansi)
		return -ENOMEM;
	WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, w, -1, ansi, n, NULL,
			    NULL);
	d = opendir(ansi);
	if (!d)
		return -errno;
	*ret = d;
	return 0;
}

int gp_root_readlink(const struct gp_root *root, const char *path,
		     char **ret_target)
{
	/* Junctions and symbolic links are not told apart here. */
	return -EINVAL;
}

int gp_root_resolve(const struct gp_root *root, const char *path,
		    char **ret_path)
{
	_cleanup_free_ wchar_t *w = NULL;
	int r = map_path(root, path, &w);

	if (r < 0)
		return r;
	return win32_from_wide(w, wcslen(w), ret_path);
}

/* In clusters, as statvfs(3) counts in fragments. */
int gp_root_statvfs(const struct gp_root *root, const char *path,
		    struct statvfs *ret)
{
	DWORD sectors, bytes, free_clusters, clusters;
	ULARGE_INTEGER avail, total, free;
	uint64_t cluster;

	if (!GetDiskFreeSpaceExW(root->drive, &avail, &total, &free) ||
	    !GetDiskFreeSpaceW(root->drive, &sectors, &bytes, &free_clusters,
			       &clusters))
		return win32_errno(GetLastError());
	cluster = (uint64_t)sectors * bytes;
	if (cluster == 0)
		return -EIO;
	*ret = (struct statvfs){0};
	ret->f_bsize = ret->f_frsize = (unsigned long)cluster;
	ret->f_blocks = total.QuadPart / cluster;
	ret->f_bfree = free.QuadPart / cluster;
	/* Less than free when quotas apply to this user. */
	ret->f_bavail = avail.QuadPart / cluster;
	ret->f_namemax = 255;
	return 0;
}
