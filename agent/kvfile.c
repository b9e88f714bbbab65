/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell-style assignment files (see include/guestprep/kvfile.h).
 *
 * The quoting follows what a POSIX shell does when it sources such a
 * file, which is how the distributions' own scripts read them, minus
 * every kind of expansion: a value is data, never code.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "guestprep/kvfile.h"
#include "guestprep/macro.h"
#include "guestprep/root.h"

struct buf {
	char *s;
	size_t len, cap;
};

static int buf_put(struct buf *b, char c)
{
	if (b->len + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char *s = realloc(b->s, cap);

		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
	return 0;
}

struct cursor {
	const char *p, *end;
	unsigned line;
};

static bool at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static void skip_line(struct cursor *c)
{
	while (!at_end(c) && *c->p != '\n')
		c->p++;
	if (!at_end(c)) {
		c->p++;
		c->line++;
	}
}

static void skip_blanks(struct cursor *c)
{
	while (!at_end(c) && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static bool is_key_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_';
}

static bool is_key_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* Characters a backslash escapes inside double quotes, as in sh. */
static bool dq_escapable(char ch)
{
	return ch == '"' || ch == '\\' || ch == '$' || ch == '`' || ch == '\n';
}

/*
 * Read a value up to the first unquoted blank or newline.  Returns 1 when
 * the value is well formed, 0 when it is not (unterminated quote), -ENOMEM.
 */
static int read_value(struct cursor *c, struct buf *v)
{
	char quote = 0;
	int r;

	while (!at_end(c)) {
		char ch = *c->p;

		if (!quote && (ch == ' ' || ch == '\t' || ch == '\n'))
			return 1;
		c->p++;
		if (ch == '\n')
			c->line++;
		if (quote == '\'') {
			if (ch == '\'') {
				quote = 0;
				continue;
			}
		} else if (quote == '"') {
			if (ch == '"') {
				quote = 0;
				continue;
			}
			if (ch == '\\' && !at_end(c) && dq_escapable(*c->p)) {
				ch = *c->p++;
				if (ch == '\n') {
					c->line++;
					continue;	/* line continuation */
				}
			}
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
			continue;
		} else if (ch == '\\' && !at_end(c)) {
			ch = *c->p++;
			if (ch == '\n') {
				c->line++;
				continue;
			}
		}
		r = buf_put(v, ch);
		if (r < 0)
			return r;
	}
	return quote ? 0 : 1;
}

static int kv_append(struct gp_kvfile *kv, const char *key, size_t klen,
		     struct buf *value, unsigned line)
{
	struct gp_kv *items;
	struct gp_kv *it;

	items = realloc(kv->items, (kv->n_items + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	kv->items = items;
	it = &items[kv->n_items];
	it->key = strndup(key, klen);
	it->value = value->s ? value->s : strdup("");
	it->line = line;
	if (!it->key || !it->value) {
		free(it->key);
		free(it->value);
		value->s = NULL;
		return -ENOMEM;
	}
	value->s = NULL;
	kv->n_items++;
	return 0;
}

static void mark_bad(struct gp_kvfile *kv, unsigned line)
{
	if (kv->bad_lines++ == 0)
		kv->first_bad_line = line;
}

/* Parse one logical line at @c; the cursor ends at the next line. */
static int parse_line(struct cursor *c, struct gp_kvfile *kv)
{
	struct buf value = { 0 };
	unsigned line = c->line;
	const char *key;
	size_t klen;
	int r;

	skip_blanks(c);
	if (at_end(c) || *c->p == '\n' || *c->p == '#') {
		skip_line(c);
		return 0;
	}
	if ((size_t)(c->end - c->p) > 7 && strncmp(c->p, "export", 6) == 0 &&
	    (c->p[6] == ' ' || c->p[6] == '\t')) {
		c->p += 6;
		skip_blanks(c);
	}
	key = c->p;
	if (at_end(c) || !is_key_start(*c->p))
		goto bad;
	while (!at_end(c) && is_key_char(*c->p))
		c->p++;
	klen = (size_t)(c->p - key);
	if (at_end(c) || *c->p != '=')
		goto bad;
	c->p++;

	r = read_value(c, &value);
	if (r < 0) {
		free(value.s);
		return r;
	}
	if (r == 0)
		mark_bad(kv, line);
	r = kv_append(kv, key, klen, &value, line);
	free(value.s);
	if (r < 0)
		return r;
	/* Trailing words would be a command to the shell; note, then skip. */
	skip_blanks(c);
	if (!at_end(c) && *c->p != '\n' && *c->p != '#')
		mark_bad(kv, line);
	skip_line(c);
	return 0;
bad:
	mark_bad(kv, line);
	skip_line(c);
	return 0;
}

int gp_kv_parse(const char *text, size_t len, struct gp_kvfile *ret)
{
	struct gp_kvfile kv = { 0 };
	struct cursor c = { .p = text, .end = text + len, .line = 1 };

	while (!at_end(&c)) {
		int r = parse_line(&c, &kv);

		if (r < 0) {
			gp_kv_done(&kv);
			return r;
		}
	}
	*ret = kv;
	return 0;
}

int gp_kv_load(const struct gp_root *root, const char *path,
	       struct gp_kvfile *ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = gp_root_read_file(root, path, 0, &text, &len);
	if (r < 0)
		return r;
	return gp_kv_parse(text, len, ret);
}

const struct gp_kv *gp_kv_find(const struct gp_kvfile *kv, const char *key)
{
	for (size_t i = kv->n_items; i > 0; i--)
		if (strcmp(kv->items[i - 1].key, key) == 0)
			return &kv->items[i - 1];
	return NULL;
}

const char *gp_kv_get(const struct gp_kvfile *kv, const char *key)
{
	const struct gp_kv *it = gp_kv_find(kv, key);

	return it ? it->value : NULL;
}

void gp_kv_done(struct gp_kvfile *kv)
{
	for (size_t i = 0; i < kv->n_items; i++) {
		free(kv->items[i].key);
		free(kv->items[i].value);
	}
	free(kv->items);
	*kv = (struct gp_kvfile){ 0 };
}
