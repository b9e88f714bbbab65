/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer for the report.  Strings are arbitrary
 * bytes (file names, file contents): control characters are escaped and
 * bytes that are not UTF-8 are written as the six characters "\\xNN", so
 * the output is valid JSON whatever the input.  Errors are sticky in the
 * FILE; check ferror() at the end.
 */
#ifndef GUESTPREP_JSON_H
#define GUESTPREP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	unsigned depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);

/* @key is NULL for array elements and the top-level value. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);

void json_string(struct json *j, const char *key, const char *value);
void json_string_len(struct json *j, const char *key, const char *value,
		     size_t len);
void json_bool(struct json *j, const char *key, bool value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_null(struct json *j, const char *key);

/* Length of the valid UTF-8 sequence at @s (1-4), or 0 if there is none. */
size_t utf8_sequence(const unsigned char *s, size_t left);

#endif
