/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The POSIX calls of the portable core, on the Windows
 * C runtime (see compat-win32.h).  Strings are UTF-8 inside: wmain()
 * turns the UTF-16 command line into UTF-8, file names go back to
 * UTF-16 for the wide API, and text for a console is written to it as
 * UTF-16.
 */
#include "config.h"

#include <io.h>
#include <stdarg.h>
#include <stdlib.h>
#include <windows.h>

#include "guestprep/macro.h"
#include "win32.h"

/* The C runtime's own calls, which compat-win32.h renames for the core. */
#undef open
#undef fopen
#undef unlink
#undef fputc
#undef putc
#undef putchar
#undef fputs
#undef puts
#undef fwrite
#undef fflush
#undef vfprintf
#undef fprintf
#undef printf

/* ---- the command line -------------------------------------------- */

int main(int argc, char **argv); /* agent/main.c */
int wmain(int argc, wchar_t **wargv);

/*
 * The entry point with -municode: the C runtime's argv would be in the
 * ANSI code page, which loses every character it lacks ("C:\报告.json"
 * becomes "C:\??.json").  The UTF-8 copies live as long as the process.
 */
int wmain(int argc, wchar_t **wargv)
{
	char **argv = calloc((size_t)argc + 1, sizeof(*argv));

	for (int i = 0; argv && i < argc; i++)
		if (win32_from_wide(wargv[i], wcslen(wargv[i]), &argv[i]) < 0) {
			fputs("guestprep: cannot convert the command line\n",
			      stderr);
			return 70; /* GP_EXIT_INTERNAL */
		}
	if (!argv) {
		fputs("guestprep: out of memory\n", stderr);
		return 70;
	}
	return main(argc, argv);
}

/* ---- files, by UTF-8 names ----------------------------------------- */

/* @path as UTF-16; errno set (EILSEQ, ENOMEM) when it cannot be. */
static wchar_t *wide_path(const char *path)
{
	wchar_t *w = NULL;
	int r = win32_to_wide(path, &w);

	if (r < 0) {
		errno = r == -ENOMEM ? ENOMEM : EILSEQ;
		return NULL;
	}
	return w;
}

int gp_win32_open(const char *path, int flags, ...)
{
	_cleanup_free_ wchar_t *w = wide_path(path);
	int mode = 0;

	if (flags & _O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return w ? _wopen(w, flags, mode) : -1;
}

FILE *gp_win32_fopen(const char *path, const char *mode)
{
	_cleanup_free_ wchar_t *w = wide_path(path);
	_cleanup_free_ wchar_t *wmode = wide_path(mode);

	return w && wmode ? _wfopen(w, wmode) : NULL;
}

int gp_win32_unlink(const char *path)
{
	_cleanup_free_ wchar_t *w = wide_path(path);

	return w ? _wunlink(w) : -1;
}

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

void *reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
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
 * file be renamed or removed while it is open, as POSIX allows.  The
 * name is made in UTF-16; the six characters put in are ASCII, so they
 * are copied back into the UTF-8 template as they are.
 */
int mkostemp(char *tmpl, int flags)
{
	size_t len = strlen(tmpl), wlen;
	_cleanup_free_ wchar_t *w = NULL, *copy = NULL;

	if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return -1;
	}
	w = wide_path(tmpl);
	if (!w)
		return -1;
	wlen = wcslen(w);
	copy = malloc((wlen + 1) * sizeof(*copy));
	if (!copy)
		return -1;
	for (int tries = 0; tries < 100; tries++) {
		HANDLE h;
		int fd;

		memcpy(copy, w, (wlen + 1) * sizeof(*copy));
		if (_wmktemp_s(copy, wlen + 1) != 0)
			continue;
		h = CreateFileW(copy, GENERIC_READ | GENERIC_WRITE,
				FILE_SHARE_READ | FILE_SHARE_WRITE |
					FILE_SHARE_DELETE,
				NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
		if (h == INVALID_HANDLE_VALUE) {
			if (GetLastError() == ERROR_FILE_EXISTS)
				continue;
			errno = -win32_errno(GetLastError());
			return -1;
		}
		fd = _open_osfhandle((intptr_t)h,
				     _O_RDWR | _O_BINARY |
					     (flags & _O_NOINHERIT));
		if (fd < 0) {
			CloseHandle(h);
			DeleteFileW(copy);
			return -1;
		}
		for (size_t i = 0; i < 6; i++)
			tmpl[len - 6 + i] = (char)copy[wlen - 6 + i];
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

/* _wfullpath(), then the UTF-8 of it; the path must exist. */
char *realpath(const char *path, char *resolved)
{
	_cleanup_free_ wchar_t *w = wide_path(path), *full = NULL;
	char *utf8 = NULL;
	int r;

	if (!w)
		return NULL;
	full = _wfullpath(NULL, w, 0);
	if (!full)
		return NULL;
	if (GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES) {
		errno = -win32_errno(GetLastError());
		return NULL;
	}
	r = win32_from_wide(full, wcslen(full), &utf8);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	if (!resolved)
		return utf8;
	if (strlen(utf8) >= _MAX_PATH) {
		free(utf8);
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(resolved, utf8);
	free(utf8);
	return resolved;
}

FILE *open_memstream(char **ret_buf, size_t *ret_len)
{
	errno = ENOSYS;
	return NULL;
}

#undef rename
int gp_win32_rename(const char *from, const char *to)
{
	_cleanup_free_ wchar_t *wfrom = wide_path(from), *wto = wide_path(to);

	if (!wfrom || !wto)
		return -1;
	if (MoveFileExW(wfrom, wto,
			MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		return 0;
	errno = -win32_errno(GetLastError());
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
	case ETIMEDOUT:
		return "Connection timed out";
	case EILSEQ:
		return "Invalid or incomplete multibyte or wide character";
	default:
		return strerror(err);
	}
}

/* ---- text for the console ------------------------------------------ */

/*
 * stdout or stderr while it is a console.  A character whose UTF-8
 * bytes come in two writes waits in @pending for the rest.  stdout is
 * line buffered here (json.c writes a character at a time, and each
 * WriteConsoleW is a round trip to the console), stderr is not, as
 * with stdio.
 */
struct console {
	int known;	/* 0 not asked yet, 1 a console, -1 not one */
	HANDLE h;
	char pending[4];
	size_t n_pending;
	char buf[4096];	/* stdout's line */
	size_t len;
};

static struct console consoles[2];

static int console_put(struct console *c, const char *s, size_t n);

static int console_flush(struct console *c)
{
	size_t len = c->len;

	c->len = 0;
	return len ? console_put(c, c->buf, len) : 0;
}

static void console_flush_at_exit(void)
{
	console_flush(&consoles[0]);
}

static struct console *console_of(FILE *f)
{
	struct console *c;
	DWORD mode;
	int fd;

	if (f != stdout && f != stderr)
		return NULL;
	c = &consoles[f == stderr];
	if (c->known == 0) {
		fd = _fileno(f);
		c->h = fd < 0 ? INVALID_HANDLE_VALUE
			      : (HANDLE)_get_osfhandle(fd);
		c->known = c->h != INVALID_HANDLE_VALUE &&
					   GetConsoleMode(c->h, &mode)
				   ? 1
				   : -1;
		if (c->known > 0 && c == &consoles[0])
			atexit(console_flush_at_exit);
	}
	return c->known > 0 ? c : NULL;
}

/* How many bytes at the end of @s (of @n) start a character cut short. */
static size_t cut_short(const char *s, size_t n)
{
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		unsigned char b = (unsigned char)s[n - back];
		size_t need;

		if ((b & 0xc0) == 0x80)
			continue; /* a continuation byte: look further back */
		need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		return need > back ? back : 0;
	}
	return 0;
}

static int console_put(struct console *c, const char *s, size_t n)
{
	_cleanup_free_ char *buf = malloc(c->n_pending + n);
	_cleanup_free_ wchar_t *w = NULL;
	size_t len = c->n_pending + n, keep;
	DWORD done;
	int wn;

	if (!buf)
		return -1;
	memcpy(buf, c->pending, c->n_pending);
	memcpy(buf + c->n_pending, s, n);
	keep = cut_short(buf, len);
	len -= keep;
	memcpy(c->pending, buf + len, keep);
	c->n_pending = keep;
	if (len == 0)
		return 0;
	/* Bytes that are not UTF-8 become U+FFFD, as nothing can show them. */
	wn = MultiByteToWideChar(CP_UTF8, 0, buf, (int)len, NULL, 0);
	w = wn > 0 ? malloc((size_t)wn * sizeof(*w)) : NULL;
	if (!w)
		return -1;
	MultiByteToWideChar(CP_UTF8, 0, buf, (int)len, w, wn);
	return WriteConsoleW(c->h, w, (DWORD)wn, &done, NULL) ? 0 : -1;
}

/*
 * Bytes for @f: to the console, after what stdio holds for it already;
 * stderr's after stdout's line so far, so that the two keep their order.
 */
static int console_write(struct console *c, FILE *f, const char *s, size_t n)
{
	fflush(f);
	if (c == &consoles[1]) {
		console_flush(&consoles[0]);
		return console_put(c, s, n);
	}
	if (c->len + n > sizeof(c->buf) && console_flush(c) < 0)
		return -1;
	if (n > sizeof(c->buf))
		return console_put(c, s, n);
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	return memchr(s, '\n', n) ? console_flush(c) : 0;
}

int gp_win32_fflush(FILE *f)
{
	if (!f || console_of(f))
		console_flush(&consoles[0]);
	return fflush(f);
}

int gp_win32_fputc(int c, FILE *f)
{
	struct console *con = console_of(f);
	char ch = (char)c;

	if (!con)
		return fputc(c, f);
	return console_write(con, f, &ch, 1) < 0 ? EOF : (unsigned char)c;
}

int gp_win32_fputs(const char *s, FILE *f)
{
	struct console *con = console_of(f);

	if (!con)
		return fputs(s, f);
	return console_write(con, f, s, strlen(s)) < 0 ? EOF : 0;
}

int gp_win32_puts(const char *s)
{
	if (gp_win32_fputs(s, stdout) == EOF)
		return EOF;
	return gp_win32_fputc('\n', stdout) == EOF ? EOF : 0;
}

size_t gp_win32_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	struct console *con = console_of(f);

	if (!con)
		return fwrite(p, size, n, f);
	if (size == 0 || n == 0)
		return 0;
	return console_write(con, f, p, size * n) < 0 ? 0 : n;
}

int gp_win32_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	struct console *con = console_of(f);
	_cleanup_free_ char *s = NULL;
	int n;

	if (!con)
		return vfprintf(f, fmt, ap);
	n = vasprintf(&s, fmt, ap);
	if (n < 0)
		return -1;
	return console_write(con, f, s, (size_t)n) < 0 ? -1 : n;
}

int gp_win32_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = gp_win32_vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int gp_win32_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = gp_win32_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}
