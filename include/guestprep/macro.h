/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by the core and the plugins: scope-bound cleanup,
 * explicit hand-over of ownership, and array sizes.  Nothing here
 * allocates; the cleanup helpers accept NULL and -1.
 */
#ifndef GUESTPREP_MACRO_H
#define GUESTPREP_MACRO_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define _cleanup_(f) __attribute__((cleanup(f)))
#ifdef _WIN32
/*
 * windows: mingw.  guestprep.exe formats with mingw-w64's C99 printf
 * (__USE_MINGW_ANSI_STDIO, agent/compat-win32.h), not the Windows C
 * runtime's, whose "printf" GCC checks by Microsoft's rules.
 */
#define _printf_(a, b) __attribute__((format(gnu_printf, a, b)))
#else
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#endif
#define _unused_ __attribute__((unused))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand ownership out of a cleanup variable: the variable is left empty. */
#define TAKE_PTR(p)                        \
	({                                 \
		__typeof__(p) _p_ = (p);   \
		(p) = NULL;                \
		_p_;                       \
	})

#define TAKE_FD(fd)                        \
	({                                 \
		int _fd_ = (fd);           \
		(fd) = -1;                 \
		_fd_;                      \
	})

#endif
