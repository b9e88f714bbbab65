/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guestprep/profile.h"
#include "util.h"

char *vstrprintf(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *strprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vstrprintf(fmt, ap);
	va_end(ap);
	return s;
}

size_t strv_length(char *const *strv)
{
	size_t n = 0;

	while (strv && strv[n])
		n++;
	return n;
}

int strv_consume(char ***strv, char *s)
{
	size_t n = strv_length(*strv);
	char **v;

	v = s ? realloc(*strv, (n + 2) * sizeof(*v)) : NULL;
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	v[n] = s;
	v[n + 1] = NULL;
	*strv = v;
	return 0;
}

int strv_push(char ***strv, const char *s)
{
	return strv_consume(strv, strdup(s));
}

int strv_push_unique(char ***strv, const char *s)
{
	return gp_strv_contains(*strv, s) ? 0 : strv_push(strv, s);
}

int strv_pushfv(char ***strv, const char *fmt, va_list ap)
{
	return strv_consume(strv, vstrprintf(fmt, ap));
}

int strv_pushf(char ***strv, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strv_pushfv(strv, fmt, ap);
	va_end(ap);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **strv)
{
	size_t n = strv_length(strv);

	if (n > 1)
		qsort(strv, n, sizeof(*strv), cmp_str);
}

void strv_free_n(char **strv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(strv[i]);
	free(strv);
}

void strv_free(char **strv)
{
	strv_free_n(strv, strv_length(strv));
}

bool gp_strv_contains(char *const *strv, const char *s)
{
	for (size_t i = 0; strv && strv[i]; i++)
		if (strcmp(strv[i], s) == 0)
			return true;
	return false;
}

int strv_split(const char *s, char ***ret)
{
	char **v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	while (*s) {
		size_t len;
		char *w;
		int r;

		s += strspn(s, ", \t");
		len = strcspn(s, ", \t");
		if (len == 0)
			continue;
		w = strndup(s, len);
		r = w ? strv_push(&v, w) : -ENOMEM;
		free(w);
		if (r < 0) {
			strv_free(v);
			return r;
		}
		s += len;
	}
	*ret = v;
	return 0;
}

char *strv_join(char *const *strv, const char *sep)
{
	size_t n = 1, seplen = strlen(sep);
	char *s, *p;

	for (size_t i = 0; strv && strv[i]; i++)
		n += strlen(strv[i]) + seplen;
	s = p = malloc(n);
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; strv && strv[i]; i++)
		p = stpcpy(stpcpy(p, i ? sep : ""), strv[i]);
	return s;
}

char *strstrip(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

bool id_beneath(const char *id, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(id, prefix, len) == 0 &&
	       (id[len] == '\0' || id[len] == '.');
}

int parse_u64(const char *s, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

bool path_is_absolute(const char *p)
{
#ifdef _WIN32
	if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	    p[1] == ':' && (p[2] == '\\' || p[2] == '/'))
		return true;
	if (p[0] == '\\' && p[1] == '\\')
		return true;
#endif
	return p[0] == '/';
}

bool path_has_dir(const char *p)
{
#ifdef _WIN32
	if (strchr(p, '\\') || (p[0] && p[1] == ':'))
		return true;
#endif
	return strchr(p, '/') != NULL;
}
