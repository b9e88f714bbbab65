/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strings and NULL-terminated string vectors, shared by the core and the
 * plugins (agent/util.c implements them).
 *
 * A vector is a malloc'd array of malloc'd strings ending with NULL; a
 * NULL vector is an empty one, so `char **v = NULL;` followed by pushes
 * is the usual start.  Every function that returns a string or a vector
 * hands it to the caller (free(), strv_free()).  Pushing returns 0 or
 * -ENOMEM and leaves the vector as it was on failure.
 */
#ifndef GUESTPREP_STRV_H
#define GUESTPREP_STRV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "guestprep/macro.h"

/* asprintf() that returns the string, or NULL when out of memory. */
char *strprintf(const char *fmt, ...) _printf_(1, 2);
char *vstrprintf(const char *fmt, va_list ap) _printf_(1, 0);

bool startswith(const char *s, const char *prefix);
bool endswith(const char *s, const char *suffix);

size_t strv_length(char *const *strv);
static inline bool strv_isempty(char *const *strv)
{
	return !strv || !strv[0];
}

/* Append a copy of @s. */
int strv_push(char ***strv, const char *s);
/* The same unless an equal string is there already (then 0). */
int strv_push_unique(char ***strv, const char *s);
/* Append @s itself; @s is freed on failure, and NULL is -ENOMEM (so a
 * failed strprintf() can be passed straight in). */
int strv_consume(char ***strv, char *s);
/* Append a formatted string. */
int strv_pushf(char ***strv, const char *fmt, ...) _printf_(2, 3);
int strv_pushfv(char ***strv, const char *fmt, va_list ap) _printf_(2, 0);

void strv_free(char **strv);
static inline void strv_freep(char ***strv)
{
	strv_free(*strv);
}

/* Free the first @n strings and the array (a vector without its NULL). */
void strv_free_n(char **strv, size_t n);

/* Sort in strcmp() order, e.g. directory entries for a stable report. */
void strv_sort(char **strv);

/* Split on commas and blanks, dropping empty words. */
int strv_split(const char *s, char ***ret);
/* "a, b, c" with @sep between the strings (caller frees), or NULL. */
char *strv_join(char *const *strv, const char *sep);

#endif
