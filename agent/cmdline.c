/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command-line options (see include/guestprep/cmdline.h). */
#include "config.h"

#include <string.h>

#include "guestprep/cmdline.h"

static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' ||
	       c == '\'';
}

/* Whether [p, p + len) of the text [start, end) is not part of a word. */
static bool stands_alone(const char *start, const char *end, const char *p,
			 size_t len)
{
	return (p == start || is_separator(p[-1])) &&
	       (p + len == end || is_separator(p[len]));
}

const char *gp_cmdline_find(const char *s, size_t len, const char *option)
{
	size_t olen = strlen(option);
	const char *end = s + len;

	if (olen == 0)
		return NULL;
	for (const char *p = s; (size_t)(end - p) >= olen; p++) {
		p = memchr(p, option[0], (size_t)(end - p) - olen + 1);
		if (!p)
			return NULL;
		if (memcmp(p, option, olen) == 0 &&
		    stands_alone(s, end, p, olen))
			return p;
	}
	return NULL;
}

bool gp_cmdline_has(const char *s, const char *option)
{
	return gp_cmdline_find(s, strlen(s), option) != NULL;
}

const char *gp_cmdline_next(const char *start, const char *p,
			    const char *end, const char *key,
			    const char **ret_value, size_t *ret_len)
{
	size_t klen = strlen(key);

	for (; p < end && (size_t)(end - p) > klen; p++) {
		const char *v;
		size_t n = 0;

		if (memcmp(p, key, klen) != 0 || p[klen] != '=' ||
		    (p > start && !is_separator(p[-1])))
			continue;
		v = p + klen + 1;
		while (v + n < end && !is_separator(v[n]))
			n++;
		*ret_value = v;
		*ret_len = n;
		return p;
	}
	return NULL;
}
