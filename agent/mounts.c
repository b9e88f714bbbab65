/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/fstab through libmount (see include/guestprep/mounts.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "guestprep/macro.h"
#include "guestprep/mounts.h"

struct parse {
	struct gp_fstab *t;
	bool nomem;
};

/* libmount's parser error callback: note the line, skip it, go on. */
static int parse_error(struct libmnt_table *tb, const char *filename,
		       int line)
{
	struct parse *p = mnt_table_get_userdata(tb);
	struct gp_fstab *t = p->t;
	unsigned *lines;

	(void)filename;
	lines = realloc(t->bad_lines, (t->n_bad + 1) * sizeof(*lines));
	if (!lines) {
		p->nomem = true;
		return 1;
	}
	t->bad_lines = lines;
	t->bad_lines[t->n_bad++] = line > 0 ? (unsigned)line : 0;
	return 1;
}

static bool is_bad_line(const struct gp_fstab *t, unsigned line)
{
	for (size_t i = 0; i < t->n_bad; i++)
		if (t->bad_lines[i] == line)
			return true;
	return false;
}

/* Whether the line @p (up to @n bytes) holds an entry for libmount. */
static bool is_entry_line(const char *p, size_t n)
{
	size_t skip = 0;

	while (skip < n && (p[skip] == ' ' || p[skip] == '\t'))
		skip++;
	return skip < n && p[skip] != '\n' && p[skip] != '\r' &&
	       p[skip] != '\0' && p[skip] != '#';
}

/* The length of the line at @p, with its '\n', in a text ending at @end. */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
}

/* Give every entry libmount returned the line it came from. */
static int number_entries(struct gp_fstab *t)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	size_t cap = (size_t)mnt_table_get_nents(t->table);
	unsigned no = 0;
	size_t i = 0;

	if (!it)
		return -ENOMEM;
	t->entries = calloc(cap ? cap : 1, sizeof(*t->entries));
	if (!t->entries) {
		mnt_free_iter(it);
		return -ENOMEM;
	}
	for (const char *p = t->text, *end = t->text + t->len; p < end;
	     p += line_len(p, end)) {
		size_t n = line_len(p, end);

		no++;
		if (!is_entry_line(p, n) || is_bad_line(t, no))
			continue;
		if (i >= cap || mnt_table_next_fs(t->table, it, &fs) != 0)
			break;
		t->entries[i++] = (struct gp_fstab_entry){ .line = no,
							   .fs = fs };
	}
	/* Lines the text scan missed: number them 0 rather than lose them. */
	while (i < cap && mnt_table_next_fs(t->table, it, &fs) == 0)
		t->entries[i++] = (struct gp_fstab_entry){ .fs = fs };
	t->n_entries = i;
	mnt_free_iter(it);
	return 0;
}

static int fstab_parse(struct gp_fstab *t)
{
	struct parse p = { .t = t };
	FILE *f;
	int r;

	t->table = mnt_new_table();
	if (!t->table)
		return -ENOMEM;
	if (t->len == 0)
		return number_entries(t);
	mnt_table_set_userdata(t->table, &p);
	mnt_table_set_parser_errcb(t->table, parse_error);
	f = fmemopen(t->text, t->len, "r");
	if (!f)
		return -errno;
	r = mnt_table_parse_stream(t->table, f, GP_FSTAB);
	fclose(f);
	/* The callback and its data are of this call only. */
	mnt_table_set_parser_errcb(t->table, NULL);
	mnt_table_set_userdata(t->table, NULL);
	if (r == -ENOMEM || p.nomem)
		return -ENOMEM;
	if (r < 0)
		return -EBADMSG;
	return number_entries(t);
}

int gp_fstab_load(const struct gp_root *root, struct gp_fstab *ret)
{
	struct gp_fstab t = { 0 };
	int r;

	r = gp_root_read_file(root, GP_FSTAB, 0, &t.text, &t.len);
	if (r < 0)
		return r;
	r = fstab_parse(&t);
	if (r < 0) {
		gp_fstab_done(&t);
		return r;
	}
	*ret = t;
	return 0;
}

void gp_fstab_done(struct gp_fstab *t)
{
	free(t->text);
	mnt_unref_table(t->table);
	free(t->bad_lines);
	free(t->entries);
	*t = (struct gp_fstab){ 0 };
}
