/* SPDX-License-Identifier: GPL-2.0-or-later */
/* String helpers of the agent.  Returned strings belong to the caller. */
#ifndef GUESTPREP_UTIL_H
#define GUESTPREP_UTIL_H

#include <stdbool.h>
#include "guestprep/macro.h"
/* strprintf(), startswith(), endswith() and the strv_*() vectors. */
#include "guestprep/strv.h"

/* Trim blanks at both ends in place; returns @s. */
char *strstrip(char *s);
/* @id is @prefix or lies beneath it: "a.b" is beneath "a", not "ab". */
bool id_beneath(const char *id, const char *prefix);

/* Parse a whole decimal number: 0, -EINVAL or -ERANGE. */
int parse_u64(const char *s, unsigned long long *ret);

/*
 * Paths the user gives: "/x" (and in guestprep.exe "C:\x", "C:/x" and
 * "\\server\share") is absolute; a name with a directory separator
 * is a path rather than a bare name.
 */
bool path_is_absolute(const char *p);
bool path_has_dir(const char *p);

#endif
