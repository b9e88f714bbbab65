/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test hives (see hive.h).
 *
 * The empty hive is written here from the regf format as documented:
 * a 4096-byte base block ("regf", the two sequence numbers, version 1.3,
 * the root cell's offset and the size of the bins, an XOR checksum of
 * its first 508 bytes), then one 4096-byte bin ("hbin") holding three
 * cells: the root key node ("nk"), the security descriptor it refers
 * to ("sk"; hivex gives a new key its parent's, so the root needs one),
 * and the rest of the bin as one free cell.  Offsets inside the bins
 * count from the first bin.  hivex does everything else.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <hivex.h>

#include "hive.h"

#define BASE_SIZE 4096u
#define BIN_SIZE  4096u
#define ROOT_NAME "ROOT"

/* Where the three cells sit in the bin, after its 32-byte header. */
#define ROOT_CELL 0x20u
#define NK_FIXED  0x4cu		/* an nk cell's fields before the name */
#define SK_CELL   0x78u
#define SK_DESC   20u		/* a self-relative descriptor, no ACLs */
#define FREE_CELL 0xa8u

/* 2001-01-01, as a FILETIME: any fixed time keeps the files reproducible. */
#define FIXED_FILETIME 0x01c073b1b4f3c000ull

#define NO_CELL 0xffffffffu

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void base_block(unsigned char *b)
{
	static const char name[] = "guestprep-test";
	uint32_t sum = 0;

	/* Signatures and names in hives are bytes without a NUL. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(b, "regf", 4);
	put32(b + 0x04, 1);	/* primary sequence number */
	put32(b + 0x08, 1);	/* secondary: equal, so the hive is clean */
	put64(b + 0x0c, FIXED_FILETIME);
	put32(b + 0x14, 1);	/* major version */
	put32(b + 0x18, 3);	/* minor version */
	put32(b + 0x1c, 0);	/* primary file */
	put32(b + 0x20, 1);	/* direct memory load */
	put32(b + 0x24, ROOT_CELL);
	put32(b + 0x28, BIN_SIZE);	/* size of all the bins */
	put32(b + 0x2c, 1);	/* clustering factor */
	for (size_t i = 0; i < sizeof(name) - 1; i++)
		put16(b + 0x30 + 2 * i, (uint16_t)name[i]);
	for (size_t i = 0; i < 508; i += 4)
		sum ^= get32(b + i);
	/* The format reserves these two values. */
	if (sum == 0xffffffffu)
		sum = 0xfffffffeu;
	else if (sum == 0)
		sum = 1;
	put32(b + 0x1fc, sum);
}

/* An allocated cell's size is stored negated; a free one's as is. */
static void cell_size(unsigned char *cell, uint32_t size, int allocated)
{
	put32(cell, allocated ? (uint32_t)-(int32_t)size : size);
}

static void root_key(unsigned char *cell)
{
	unsigned char *nk = cell + 4;
	size_t len = strlen(ROOT_NAME);

	cell_size(cell, SK_CELL - ROOT_CELL, 1);
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(nk, "nk", 2);
	/* KEY_HIVE_ENTRY | KEY_NO_DELETE | KEY_COMP_NAME (an ASCII name) */
	put16(nk + 0x02, 0x0004 | 0x0008 | 0x0020);
	put64(nk + 0x04, FIXED_FILETIME);
	put32(nk + 0x10, 0);		/* parent: none */
	put32(nk + 0x14, 0);		/* subkeys */
	put32(nk + 0x18, 0);		/* volatile subkeys */
	put32(nk + 0x1c, NO_CELL);	/* subkey list */
	put32(nk + 0x20, NO_CELL);	/* volatile subkey list */
	put32(nk + 0x24, 0);		/* values */
	put32(nk + 0x28, NO_CELL);	/* value list */
	put32(nk + 0x2c, SK_CELL);
	put32(nk + 0x30, NO_CELL);	/* class name */
	put16(nk + 0x48, (uint16_t)len);
	put16(nk + 0x4a, 0);		/* class name length */
	/* The name's length is in the key, the name has no NUL. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(nk + NK_FIXED, ROOT_NAME, len);
}

static void security(unsigned char *cell)
{
	unsigned char *sk = cell + 4;

	cell_size(cell, FREE_CELL - SK_CELL, 1);
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(sk, "sk", 2);
	put32(sk + 0x04, SK_CELL);	/* the list of descriptors: itself */
	put32(sk + 0x08, SK_CELL);
	put32(sk + 0x0c, 1);		/* referenced by the root */
	put32(sk + 0x10, SK_DESC);
	sk[0x14] = 1;			/* revision */
	put16(sk + 0x16, 0x8000);	/* SE_SELF_RELATIVE, nothing else */
}

void hive_new(const char *path)
{
	static unsigned char file[BASE_SIZE + BIN_SIZE];
	unsigned char *bin = file + BASE_SIZE;
	FILE *f;

	/* Static sizes the cells must fit: the nk cell and its name. */
	_Static_assert(4 + NK_FIXED + sizeof(ROOT_NAME) - 1 <= SK_CELL - ROOT_CELL,
		       "root key cell too small");
	_Static_assert(4 + 0x14 + SK_DESC <= FREE_CELL - SK_CELL,
		       "security cell too small");
	memset(file, 0, sizeof(file));
	base_block(file);
	memcpy(bin, "hbin", 4);
	put32(bin + 0x04, 0);		/* this bin's offset */
	put32(bin + 0x08, BIN_SIZE);
	put64(bin + 0x14, FIXED_FILETIME);
	root_key(bin + ROOT_CELL);
	security(bin + SK_CELL);
	cell_size(bin + FREE_CELL, BIN_SIZE - FREE_CELL, 0);

	f = fopen(path, "wbe");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	if (fwrite(file, sizeof(file), 1, f) != 1 || fclose(f) != 0)
		fail_msg("%s: cannot write", path);
}

static hive_h *hive_open(const char *path)
{
	hive_h *h = hivex_open(path, HIVEX_OPEN_WRITE);

	if (!h)
		fail_msg("hivex_open %s: %s", path, strerror(errno));
	return h;
}

static void hive_commit(hive_h *h, const char *path)
{
	if (hivex_commit(h, NULL, 0) < 0)
		fail_msg("hivex_commit %s: %s", path, strerror(errno));
	hivex_close(h);
}

/* The node of @key, made with its parents where missing. */
static hive_node_h make_key(hive_h *h, const char *path, const char *key)
{
	hive_node_h node = hivex_root(h);
	char *copy = strdup(key), *save = NULL;

	if (!node || !copy)
		fail_msg("%s: no root key", path);
	for (char *name = strtok_r(copy, "\\", &save); name;
	     name = strtok_r(NULL, "\\", &save)) {
		hive_node_h child;

		errno = 0;
		child = hivex_node_get_child(h, node, name);
		if (!child && errno)
			fail_msg("%s: %s: %s", path, key, strerror(errno));
		if (!child)
			child = hivex_node_add_child(h, node, name);
		if (!child)
			fail_msg("%s: adding %s: %s", path, key,
				 strerror(errno));
		node = child;
	}
	free(copy);
	return node;
}

void hive_add_key(const char *path, const char *key)
{
	hive_h *h = hive_open(path);

	make_key(h, path, key);
	hive_commit(h, path);
}

void hive_set_raw(const char *path, const char *key, const char *value,
		  uint32_t type, const void *data, size_t len)
{
	hive_h *h = hive_open(path);
	hive_node_h node = make_key(h, path, key);
	hive_set_value v = {
		.key = (char *)value,
		.t = (hive_type)type,
		.len = len,
		.value = (char *)data,
	};

	if (hivex_node_set_value(h, node, &v, 0) < 0)
		fail_msg("%s: %s\\%s: %s", path, key, value, strerror(errno));
	hive_commit(h, path);
}

void hive_set_dword(const char *path, const char *key, const char *value,
		    uint32_t data)
{
	unsigned char le[4];

	put32(le, data);
	hive_set_raw(path, key, value, hive_t_REG_DWORD, le, sizeof(le));
}

void hive_set_binary(const char *path, const char *key, const char *value,
		     const void *data, size_t len)
{
	hive_set_raw(path, key, value, hive_t_REG_BINARY, data, len);
}

/* The next code point of UTF-8 @s (advanced); tests pass valid UTF-8. */
static uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = *p++;
	int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	if (more)
		c &= 0x3fu >> more;
	while (more-- > 0 && (*p & 0xc0) == 0x80)
		c = c << 6 | (*p++ & 0x3f);
	*s = (const char *)p;
	return c;
}

/* Append @s as UTF-16LE with a NUL unit to @buf, which has room. */
static size_t utf16_put(unsigned char *buf, const char *s)
{
	size_t n = 0;

	while (*s) {
		uint32_t c = utf8_next(&s);

		if (c >= 0x10000) {
			c -= 0x10000;
			put16(buf + n, (uint16_t)(0xd800 | c >> 10));
			n += 2;
			c = 0xdc00 | (c & 0x3ff);
		}
		put16(buf + n, (uint16_t)c);
		n += 2;
	}
	put16(buf + n, 0);
	return n + 2;
}

static void set_text(const char *path, const char *key, const char *value,
		     uint32_t type, const char *const *strv, size_t n)
{
	size_t cap = 2, len = 0;
	unsigned char *buf;

	for (size_t i = 0; i < n; i++)
		cap += 4 * strlen(strv[i]) + 2;	/* surrogates: 4 bytes */
	buf = malloc(cap);
	if (!buf)
		fail_msg("out of memory");
	for (size_t i = 0; i < n; i++)
		len += utf16_put(buf + len, strv[i]);
	if (type == hive_t_REG_MULTI_SZ) {
		put16(buf + len, 0);	/* the empty string that ends it */
		len += 2;
	}
	hive_set_raw(path, key, value, type, buf, len);
	free(buf);
}

void hive_set_string(const char *path, const char *key, const char *value,
		     const char *utf8)
{
	set_text(path, key, value, hive_t_REG_SZ, &utf8, 1);
}

void hive_set_expand(const char *path, const char *key, const char *value,
		     const char *utf8)
{
	set_text(path, key, value, hive_t_REG_EXPAND_SZ, &utf8, 1);
}

void hive_set_multi(const char *path, const char *key, const char *value,
		    const char *const *strv)
{
	size_t n = 0;

	while (strv && strv[n])
		n++;
	set_text(path, key, value, hive_t_REG_MULTI_SZ, strv, n);
}
