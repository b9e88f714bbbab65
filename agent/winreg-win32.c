/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The registry of the running Windows (see winreg.h),
 * through the Win32 API, for guestprep.exe.
 *
 * Keys are opened under HKEY_LOCAL_MACHINE with KEY_WOW64_64KEY, so a
 * 32-bit build on 64-bit Windows would still see the 64-bit view the
 * system itself uses.  "CurrentControlSet" is Windows' own link here and
 * is used as it is.  Names go to the API as UTF-16 and come back as
 * UTF-8, lone surrogates becoming U+FFFD as in the offline reader
 * (agent/winreg.c), whose key syntax, limits and errors this follows:
 * the first component must be one of its hives, an empty component is
 * -EINVAL, a missing key or value -ENOENT, another type -EMEDIUMTYPE.
 * Checks only read; fix mode plans through gp_plan_registry() (fix.h),
 * and only the journal's calls at the end open a key for writing.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <windows.h>

#include "guestprep/fix.h"
#include "guestprep/macro.h"
#include "guestprep/strv.h"
#include "guestprep/winreg.h"
#include "journal-internal.h"
#include "win32.h"

#define KEY_MAX_LEN 16384
#define LIST_MAX    100000
/* Registry names: 255 characters for keys, 16383 for values. */
#define NAME_MAX_UNITS 16384

static const char *const hive_names[] = {"SOFTWARE", "SYSTEM", "SAM",
					 "SECURITY"};

struct gp_winreg {
	int unused;
};

int gp_winreg_open(const struct gp_root *root, struct gp_winreg **ret)
{
	struct gp_winreg *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return -ENOMEM;
	*ret = reg;
	return 0;
}

void gp_winreg_close(struct gp_winreg *reg)
{
	free(reg);
}

int win32_errno(DWORD err)
{
	switch (err) {
	case ERROR_SUCCESS:
		return 0;
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
		return -ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_PRIVILEGE_NOT_HELD:
		return -EACCES;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return -ENOMEM;
	case ERROR_KEY_DELETED:
		return -ENOENT;
	case ERROR_BADDB:
	case ERROR_BADKEY:
	case ERROR_REGISTRY_CORRUPT:
	case ERROR_NO_UNICODE_TRANSLATION:
		return -EBADMSG;
	case ERROR_FILE_TOO_LARGE:
		return -EFBIG;
	case ERROR_INVALID_PARAMETER:
	case ERROR_INVALID_NAME:
		return -EINVAL;
	case ERROR_NOT_SUPPORTED:
	case ERROR_CALL_NOT_IMPLEMENTED:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

/* ---- UTF-8 <-> UTF-16 ---------------------------------------------- */

int win32_to_wide(const char *utf8, wchar_t **ret)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0)
		return -EINVAL;
	w = malloc((size_t)n * sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (MultiByteToWideChar(CP_UTF8, 0, utf8, -1, w, n) != n) {
		free(w);
		return -EINVAL;
	}
	*ret = w;
	return 0;
}

/*
 * @n units of UTF-16 as UTF-8.  Without WC_ERR_INVALID_CHARS, Windows
 * turns a lone surrogate into U+FFFD, as the offline reader does.
 */
int win32_from_wide(const wchar_t *w, size_t n, char **ret)
{
	int len;
	char *s;

	if (n > INT_MAX / 4)
		return -EFBIG;
	if (n == 0)
		return (*ret = strdup("")) ? 0 : -ENOMEM;
	len = WideCharToMultiByte(CP_UTF8, 0, w, (int)n, NULL, 0, NULL, NULL);
	if (len <= 0)
		return -EBADMSG;
	s = malloc((size_t)len + 1);
	if (!s)
		return -ENOMEM;
	if (WideCharToMultiByte(CP_UTF8, 0, w, (int)n, s, len, NULL, NULL) !=
	    len) {
		free(s);
		return -EBADMSG;
	}
	s[len] = '\0';
	*ret = s;
	return 0;
}

/* ---- keys and values ------------------------------------------------- */

/* The offline reader's key syntax: a known hive, no empty component. */
static int check_key(const char *key)
{
	size_t len;

	if (!key || strlen(key) > KEY_MAX_LEN)
		return -EINVAL;
	len = strcspn(key, "\\");
	for (size_t i = 0; i < ARRAY_SIZE(hive_names); i++)
		if (strlen(hive_names[i]) == len &&
		    strncasecmp(key, hive_names[i], len) == 0) {
			/* An empty component: "SYSTEM\\", "A\\\\B", "A\\B\\".
			 */
			if (key[len] && (strstr(key, "\\\\") ||
					 key[strlen(key) - 1] == '\\'))
				return -EINVAL;
			return 0;
		}
	return -ENOENT;
}

static int open_key(const char *key, HKEY *ret)
{
	_cleanup_free_ wchar_t *wkey = NULL;
	LONG e;
	int r;

	r = check_key(key);
	if (r == 0)
		r = win32_to_wide(key, &wkey);
	if (r < 0)
		return r;
	e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, wkey, 0,
			  KEY_READ | KEY_WOW64_64KEY, ret);
	return win32_errno((DWORD)e);
}

static void reg_closep(HKEY *k)
{
	if (*k)
		RegCloseKey(*k);
}

bool gp_winreg_key_exists(struct gp_winreg *reg, const char *key)
{
	_cleanup_(reg_closep) HKEY k = NULL;

	return open_key(key, &k) == 0;
}

/*
 * The data of @value, with one spare NUL unit after it so that strings
 * that lack their own end safely.  The value may change between the two
 * calls: ERROR_MORE_DATA starts over.
 */
static int get_value(const char *key, const char *value, DWORD *ret_type,
		     unsigned char **ret_data, DWORD *ret_len)
{
	_cleanup_(reg_closep) HKEY k = NULL;
	_cleanup_free_ wchar_t *wvalue = NULL;
	int r;

	if (!value)
		return -EINVAL;
	r = open_key(key, &k);
	if (r == 0)
		r = win32_to_wide(value, &wvalue);
	if (r < 0)
		return r;
	for (int tries = 0; tries < 4; tries++) {
		_cleanup_free_ unsigned char *data = NULL;
		DWORD type, len = 0;
		LONG e;

		e = RegQueryValueExW(k, wvalue, NULL, &type, NULL, &len);
		if (e != ERROR_SUCCESS)
			return win32_errno((DWORD)e);
		if (len > GP_WINREG_MAX_VALUE)
			return -EFBIG;
		data = calloc(1, (size_t)len + 2);
		if (!data)
			return -ENOMEM;
		e = RegQueryValueExW(k, wvalue, NULL, &type, data, &len);
		if (e == ERROR_MORE_DATA)
			continue;
		if (e != ERROR_SUCCESS)
			return win32_errno((DWORD)e);
		*ret_type = type;
		*ret_len = len;
		*ret_data = TAKE_PTR(data);
		return 0;
	}
	return -EAGAIN;
}

/* Units up to the first NUL, or all @n. */
static size_t wide_len(const wchar_t *w, size_t from, size_t n)
{
	while (from < n && w[from] != 0)
		from++;
	return from;
}

int gp_winreg_get_string(struct gp_winreg *reg, const char *key,
			 const char *value, char **ret)
{
	_cleanup_free_ unsigned char *data = NULL;
	DWORD type, len;
	int r;

	r = get_value(key, value, &type, &data, &len);
	if (r < 0)
		return r;
	if (type != REG_SZ && type != REG_EXPAND_SZ)
		return -EMEDIUMTYPE;
	/* The string ends at its NUL, or with the data (an odd byte goes). */
	return win32_from_wide((wchar_t *)data,
			       wide_len((wchar_t *)data, 0, len / 2), ret);
}

int gp_winreg_get_dword(struct gp_winreg *reg, const char *key,
			const char *value, uint32_t *ret)
{
	_cleanup_free_ unsigned char *p = NULL;
	DWORD type, len;
	int r;

	r = get_value(key, value, &type, &p, &len);
	if (r < 0)
		return r;
	if (type != REG_DWORD && type != REG_DWORD_BIG_ENDIAN)
		return -EMEDIUMTYPE;
	if (len != 4)
		return -EBADMSG;
	if (type == REG_DWORD)
		*ret = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		       (uint32_t)p[3] << 24;
	else
		*ret = p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[0] << 24;
	return 0;
}

int gp_winreg_get_multi(struct gp_winreg *reg, const char *key,
			const char *value, char ***ret)
{
	_cleanup_free_ unsigned char *data = NULL;
	_cleanup_(strv_freep) char **strv = NULL;
	const wchar_t *w;
	DWORD type, len;
	size_t n, i = 0;
	int r;

	r = get_value(key, value, &type, &data, &len);
	if (r < 0)
		return r;
	if (type != REG_MULTI_SZ)
		return -EMEDIUMTYPE;
	w = (const wchar_t *)data;
	n = len / 2;
	/* NUL-terminated strings; an empty one (or the end) ends the list. */
	while (i < n) {
		size_t end = wide_len(w, i, n);
		char *s;

		if (end == i)
			break;
		r = win32_from_wide(w + i, end - i, &s);
		if (r == 0)
			r = strv_consume(&strv, s);
		if (r < 0)
			return r;
		i = end + 1;
	}
	if (!strv) {
		strv = calloc(1, sizeof(*strv));
		if (!strv)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(strv);
	return 0;
}

/* ---- listing ----------------------------------------------------------- */

/* Subkey (@values false) or value names of @key, in the API's order. */
static int list_names(const char *key, bool values, char ***ret)
{
	_cleanup_(reg_closep) HKEY k = NULL;
	_cleanup_(strv_freep) char **strv = NULL;
	_cleanup_free_ wchar_t *name = NULL;
	DWORD i;
	int r;

	r = open_key(key, &k);
	if (r < 0)
		return r;
	name = malloc(NAME_MAX_UNITS * sizeof(*name));
	if (!name)
		return -ENOMEM;
	for (i = 0;; i++) {
		DWORD len = NAME_MAX_UNITS;
		LONG e;
		char *s;

		if (i == LIST_MAX)
			return -EFBIG;
		if (values)
			e = RegEnumValueW(k, i, name, &len, NULL, NULL, NULL,
					  NULL);
		else
			e = RegEnumKeyExW(k, i, name, &len, NULL, NULL, NULL,
					  NULL);
		if (e == ERROR_NO_MORE_ITEMS)
			break;
		if (e != ERROR_SUCCESS)
			return win32_errno((DWORD)e);
		r = win32_from_wide(name, len, &s);
		if (r == 0)
			r = strv_consume(&strv, s);
		if (r < 0)
			return r;
	}
	if (!strv) {
		strv = calloc(1, sizeof(*strv));
		if (!strv)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(strv);
	return 0;
}

int gp_winreg_subkeys(struct gp_winreg *reg, const char *key, char ***ret)
{
	return list_names(key, false, ret);
}

int gp_winreg_values(struct gp_winreg *reg, const char *key, char ***ret)
{
	return list_names(key, true, ret);
}

/* ---- evidence ---------------------------------------------------------- */

const char *gp_winreg_source(struct gp_winreg *reg, const char *key)
{
	return "HKLM";
}

/* Live, CurrentControlSet is Windows' own link: the key as given. */
int gp_winreg_resolve(struct gp_winreg *reg, const char *key, char **ret)
{
	int r = check_key(key);

	if (r < 0)
		return r;
	*ret = strdup(key);
	return *ret ? 0 : -ENOMEM;
}

/* ---- fix mode ------------------------------------------------------------ */

/*
 * Fixers plan through gp_plan_registry() (fix.h) with what the value
 * holds now; the journal (journal-record.c) sets it with the calls below,
 * the only ones here that open a key for writing.
 */

static int raw_get(const char *key, const char *value, uint32_t *ret_type,
		   char **ret_data, size_t *ret_len)
{
	unsigned char *data = NULL;
	DWORD type, len;
	int r = get_value(key, value, &type, &data, &len);

	if (r < 0)
		return r;
	*ret_type = type;
	*ret_data = (char *)data;
	*ret_len = len;
	return 0;
}

static int open_key_for_set(const char *key, const char *value, HKEY *ret,
			    wchar_t **ret_value)
{
	_cleanup_free_ wchar_t *wkey = NULL;
	LONG e;
	int r;

	r = check_key(key);
	if (r == 0)
		r = win32_to_wide(key, &wkey);
	if (r == 0)
		r = win32_to_wide(value, ret_value);
	if (r < 0)
		return r;
	e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, wkey, 0,
			  KEY_SET_VALUE | KEY_WOW64_64KEY, ret);
	if (e != ERROR_SUCCESS) {
		free(*ret_value);
		*ret_value = NULL;
	}
	return win32_errno((DWORD)e);
}

/* Set, then flush: the journal says done only once it is on disk. */
static int raw_set(const char *key, const char *value, uint32_t type,
		   const char *data, size_t len)
{
	_cleanup_(reg_closep) HKEY k = NULL;
	_cleanup_free_ wchar_t *wvalue = NULL;
	LONG e;
	int r;

	if (len > GP_WINREG_MAX_VALUE)
		return -EFBIG;
	r = open_key_for_set(key, value, &k, &wvalue);
	if (r < 0)
		return r;
	e = RegSetValueExW(k, wvalue, 0, type, (const BYTE *)data, (DWORD)len);
	if (e == ERROR_SUCCESS)
		e = RegFlushKey(k);
	return win32_errno((DWORD)e);
}

static int raw_del(const char *key, const char *value)
{
	_cleanup_(reg_closep) HKEY k = NULL;
	_cleanup_free_ wchar_t *wvalue = NULL;
	LONG e;
	int r;

	r = open_key_for_set(key, value, &k, &wvalue);
	if (r < 0)
		return r;
	e = RegDeleteValueW(k, wvalue);
	if (e == ERROR_FILE_NOT_FOUND)
		return 0;	/* absent already, as undo wants it */
	if (e == ERROR_SUCCESS)
		e = RegFlushKey(k);
	return win32_errno((DWORD)e);
}

const struct journal_regops winreg_live_ops = {
	.get = raw_get,
	.set = raw_set,
	.del = raw_del,
};

/*
 * Plan @value of @key as @want, with what it holds now: the key must
 * exist (-ENOENT, as offline); a missing value is created.
 */
static int plan_set(struct gp_ctx *ctx, const char *key, const char *value,
		    const struct gp_regdata *want, const char *why)
{
	_cleanup_(reg_closep) HKEY k = NULL;
	_cleanup_free_ unsigned char *data = NULL;
	struct gp_regdata now;
	DWORD type = 0, len = 0;
	int r;

	r = open_key(key, &k);
	if (r < 0)
		return r;
	r = get_value(key, value, &type, &data, &len);
	if (r < 0 && r != -ENOENT)
		return r;
	now = (struct gp_regdata){ type, data, len };
	return gp_plan_registry(ctx, key, value, r == 0 ? &now : NULL, want,
				why);
}

int gp_winreg_plan_set_dword(struct gp_ctx *ctx, struct gp_winreg *reg,
			     const char *key, const char *value, uint32_t data,
			     const char *why)
{
	unsigned char le[4] = { data & 0xff, data >> 8 & 0xff,
				data >> 16 & 0xff, data >> 24 };
	struct gp_regdata want = { REG_DWORD, le, sizeof(le) };

	if (!value)
		return -EINVAL;
	return plan_set(ctx, key, value, &want, why);
}

/* As `reg add` stores a REG_SZ: UTF-16LE with its terminating NUL. */
int gp_winreg_plan_set_string(struct gp_ctx *ctx, struct gp_winreg *reg,
			      const char *key, const char *value,
			      const char *utf8, const char *why)
{
	_cleanup_free_ wchar_t *w = NULL;
	struct gp_regdata want;
	int r;

	if (!value || !utf8)
		return -EINVAL;
	r = win32_to_wide(utf8, &w);
	if (r < 0)
		return r;
	want = (struct gp_regdata){ REG_SZ, w, (wcslen(w) + 1) * sizeof(*w) };
	if (want.len > GP_WINREG_MAX_VALUE)
		return -EFBIG;
	return plan_set(ctx, key, value, &want, why);
}
