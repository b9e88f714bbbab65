/* SPDX-License-Identifier: GPL-2.0-or-later */
/* String helpers of the agent.  Returned strings belong to the caller. */
#ifndef GUESTPREP_UTIL_H
#define GUESTPREP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "guestprep/macro.h"

char *strprintf(const char *fmt, ...) _printf_(1, 2);
char *vstrprintf(const char *fmt, va_list ap) _printf_(1, 0);

/* NULL-terminated string vectors. */
size_t strv_length(char *const *strv);
int strv_push(char ***strv, const char *s);
void strv_free(char **strv);
static inline void strv_freep(char ***strv)
{
	strv_free(*strv);
}

void strv_free_n(char **strv, size_t n);
/* Split on commas and blanks, dropping empty words. */
int strv_split(const char *s, char ***ret);
/* "a, b, c" (caller frees). */
char *strv_join(char *const *strv, const char *sep);

/* Trim blanks at both ends in place; returns @s. */
char *strstrip(char *s);
bool startswith(const char *s, const char *prefix);
/* @id is @prefix or lies beneath it: "a.b" is beneath "a", not "ab". */
bool id_beneath(const char *id, const char *prefix);

/* Parse a whole decimal number: 0, -EINVAL or -ERANGE. */
int parse_u64(const char *s, unsigned long long *ret);

#endif
