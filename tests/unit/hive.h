/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Registry hive files for the tests of the Windows plugins.
 *
 * hive_new() writes an empty hive (a base block and one bin holding the
 * root key) from the documented regf format; hivex then adds keys and
 * values, as Windows would leave them.  Key paths are relative to the
 * hive's root key, backslash separated ("ControlSet001\\Services\\viostor"
 * in SYSTEM); missing keys on the way are created by every call.  Each
 * call opens, edits and commits the file, and fails the test (cmocka's
 * fail()) on any error.
 */
#ifndef GUESTPREP_TEST_HIVE_H
#define GUESTPREP_TEST_HIVE_H

#include <stddef.h>
#include <stdint.h>

/* An empty hive file at @path (replaced when it exists): root key only. */
void hive_new(const char *path);
/* "A\\B\\C", parents made as needed; an existing key is fine. */
void hive_add_key(const char *path, const char *key);
/* REG_DWORD */
void hive_set_dword(const char *path, const char *key, const char *value,
		    uint32_t data);
/* REG_SZ, from UTF-8 (stored as UTF-16LE with its terminating NUL). */
void hive_set_string(const char *path, const char *key, const char *value,
		     const char *utf8);
/* REG_EXPAND_SZ, the same way. */
void hive_set_expand(const char *path, const char *key, const char *value,
		     const char *utf8);
/* REG_MULTI_SZ: each string NUL-terminated, then an empty one. */
void hive_set_multi(const char *path, const char *key, const char *value,
		    const char *const *strv);
/* REG_BINARY, or any bytes. */
void hive_set_binary(const char *path, const char *key, const char *value,
		     const void *data, size_t len);

/*
 * A value of any type with raw @data (for the tests of wrong types and
 * malformed data).
 */
void hive_set_raw(const char *path, const char *key, const char *value,
		  uint32_t type, const void *data, size_t len);

#endif
