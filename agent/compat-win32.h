/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  What the portable core takes from POSIX and the GNU C
 * library that the Windows C runtime lacks, for guestprep.exe only: the
 * Windows build includes this header before every file (-include), so
 * the core's sources stay free of #ifdefs.  agent/compat-win32.c has the
 * definitions.  The shim system headers beside it (agent/win32/sys/)
 * stand in for <sys/statvfs.h> and <sys/utsname.h>.
 */
#ifndef GUESTPREP_COMPAT_WIN32_H
#define GUESTPREP_COMPAT_WIN32_H

/* vasprintf() and C99 printf formats (%zu, %llu) from mingw-w64. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
/* 64-bit off_t and st_size, as on Linux. */
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif
#ifndef __USE_MINGW_ANSI_STDIO
#define __USE_MINGW_ANSI_STDIO 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/stat.h>

/* Linux errno values the core names; any distinct value will do. */
#ifndef EMEDIUMTYPE
#define EMEDIUMTYPE 2001
#endif
#ifndef ENOMEDIUM
#define ENOMEDIUM 2002
#endif
#ifndef ESTALE
#define ESTALE 2003
#endif
/* Handles are not inherited by default; O_NOINHERIT says so for fds. */
#ifndef O_CLOEXEC
#define O_CLOEXEC _O_NOINHERIT
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif

/* Windows' stat() never reports a symbolic link. */
#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif

char *strndup(const char *s, size_t n);
/* realloc() of @n times @size, -ENOMEM (NULL) when that overflows. */
void *reallocarray(void *p, size_t n, size_t size);
char *stpcpy(char *dst, const char *src);
void explicit_bzero(void *p, size_t n);
int mkostemp(char *tmpl, int flags);
int fchmod(int fd, mode_t mode);
int fsync(int fd);
/* _fullpath(), and the path must exist, as realpath(3) requires. */
char *realpath(const char *path, char *resolved);
/* Not in the C runtime; fix mode's diffs only (not in guestprep.exe). */
FILE *open_memstream(char **ret_buf, size_t *ret_len);
/*
 * rename(3) that replaces an existing file, as POSIX's does (the
 * C runtime's refuses): the report is written beside its target and
 * renamed over it.
 */
int gp_win32_rename(const char *from, const char *to);
#define rename(from, to) gp_win32_rename(from, to)
/* strerror() that also knows the errno values above and the POSIX ones. */
char *gp_win32_strerror(int err);
#define strerror(err) gp_win32_strerror(err)

/*
 * Text is UTF-8 everywhere inside guestprep.exe: wmain() in
 * compat-win32.c (linked with -municode) hands main() its arguments as
 * UTF-8, and the calls below that take a file name convert it back to
 * UTF-16 for the wide API, so no name goes through the ANSI code page
 * (which cannot hold "报告.json" on a Western Windows).  realpath(),
 * mkostemp() and rename() above do the same.
 */
int gp_win32_open(const char *path, int flags, ...);
FILE *gp_win32_fopen(const char *path, const char *mode);
int gp_win32_unlink(const char *path);
#define open(...) gp_win32_open(__VA_ARGS__)
#define fopen(path, mode) gp_win32_fopen(path, mode)
#define unlink(path) gp_win32_unlink(path)

/*
 * What goes to stdout or stderr while it is a console is UTF-16 for
 * WriteConsoleW: the console would read UTF-8 bytes in its own code
 * page.  Redirected to a file or a pipe, the bytes stay UTF-8.  These
 * are the stdio calls the core writes with; fflush() also empties what
 * is held for the console.
 */
int gp_win32_fflush(FILE *f);
int gp_win32_fputc(int c, FILE *f);
int gp_win32_fputs(const char *s, FILE *f);
int gp_win32_puts(const char *s);
size_t gp_win32_fwrite(const void *p, size_t size, size_t n, FILE *f);
int gp_win32_vfprintf(FILE *f, const char *fmt, va_list ap)
	__attribute__((format(gnu_printf, 2, 0)));
int gp_win32_fprintf(FILE *f, const char *fmt, ...)
	__attribute__((format(gnu_printf, 2, 3)));
int gp_win32_printf(const char *fmt, ...)
	__attribute__((format(gnu_printf, 1, 2)));
#undef putc
#undef putchar
#define fputc(c, f) gp_win32_fputc(c, f)
#define putc(c, f) gp_win32_fputc(c, f)
#define putchar(c) gp_win32_fputc(c, stdout)
#define fputs(s, f) gp_win32_fputs(s, f)
#define puts(s) gp_win32_puts(s)
#define fwrite(p, size, n, f) gp_win32_fwrite(p, size, n, f)
#define fflush(f) gp_win32_fflush(f)
#define vfprintf(f, ...) gp_win32_vfprintf(f, __VA_ARGS__)
#define fprintf(f, ...) gp_win32_fprintf(f, __VA_ARGS__)
#define printf(...) gp_win32_printf(__VA_ARGS__)

#endif
