/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site checks (extchecks.h): what a check printed, judged the same way
 * on every platform.  agent/extchecks.c (POSIX) and
 * agent/extchecks-win32.c (guestprep.exe) find and run the checks; this
 * file reads their output with a small, strict JSON reader, checks
 * every field before it reaches the report (the JSON writer escapes
 * whatever bytes the strings hold), and words the findings about
 * broken and refused checks.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guestprep/log.h"
#include "extchecks-internal.h"
#include "util.h"

/* ---- a strict JSON reader, for what one check printed ---- */

#define JV_MAX_DEPTH 8

struct jparser {
	const char *p, *end;
	unsigned depth;
	const char *error;	/* why the input is refused */
};

void jv_done(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jv_done(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	*v = (struct jv){ 0 };
}

static int jp_fail(struct jparser *jp, const char *why)
{
	if (!jp->error)
		jp->error = why;
	return -EINVAL;
}

static void jp_space(struct jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
				   *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static bool jp_literal(struct jparser *jp, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return false;
	jp->p += n;
	return true;
}

static int jp_hex4(struct jparser *jp, unsigned *ret)
{
	unsigned v = 0;

	if (jp->end - jp->p < 4)
		return jp_fail(jp, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)*jp->p++;

		if (!isxdigit(c))
			return jp_fail(jp, "bad \\u escape");
		v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	*ret = v;
	return 0;
}

static size_t utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX, with a surrogate pair when there is one; never U+0000. */
static int jp_unicode(struct jparser *jp, unsigned *ret)
{
	unsigned cp, lo;

	if (jp_hex4(jp, &cp) < 0)
		return -EINVAL;
	/* jp_hex4() sets cp when it returns 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (!jp_literal(jp, "\\u") || jp_hex4(jp, &lo) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return jp_fail(jp, "unpaired surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		return jp_fail(jp, "unpaired surrogate");
	}
	if (cp == 0)
		return jp_fail(jp, "NUL in a string");
	*ret = cp;
	return 0;
}

static int jp_escape(struct jparser *jp, char *out, size_t *len)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp;

	if (jp->p >= jp->end)
		return jp_fail(jp, "truncated string");
	e = strchr(from, *jp->p);
	if (*jp->p && e) {
		jp->p++;
		out[(*len)++] = to[e - from];
		return 0;
	}
	if (*jp->p++ != 'u')
		return jp_fail(jp, "bad escape in a string");
	if (jp_unicode(jp, &cp) < 0)
		return -EINVAL;
	/* jp_unicode() sets cp when it returns 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage) */
	*len += utf8_put(out + *len, cp);
	return 0;
}

/* At the opening quote.  Bytes that are not UTF-8 are kept as they are. */
static int jp_string(struct jparser *jp, char **ret)
{
	/* Escapes never grow: "\uXXXX" (6 bytes) gives at most 3 (4 for 12). */
	_cleanup_free_ char *out = malloc((size_t)(jp->end - jp->p) + 1);
	size_t len = 0;

	if (!out)
		return -ENOMEM;
	jp->p++;
	for (;;) {
		unsigned char c;

		if (jp->p >= jp->end)
			return jp_fail(jp, "unterminated string");
		c = (unsigned char)*jp->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return jp_fail(jp, "control character in a string");
		if (c == '\\') {
			jp->p++;
			if (jp_escape(jp, out, &len) < 0)
				return -EINVAL;
			continue;
		}
		out[len++] = (char)c;
		jp->p++;
	}
	jp->p++;
	out[len] = '\0';
	*ret = TAKE_PTR(out);
	return 0;
}

static int jp_number(struct jparser *jp)
{
	const char *start = jp->p;

	if (jp->p < jp->end && *jp->p == '-')
		jp->p++;
	while (jp->p < jp->end && *jp->p && (isdigit((unsigned char)*jp->p) ||
					     strchr(".eE+-", *jp->p)))
		jp->p++;
	if (jp->p == start || !isdigit((unsigned char)jp->p[-1]))
		return jp_fail(jp, "bad number");
	return 0;
}

static int jp_value(struct jparser *jp, struct jv *v);

/* One more item in @v (an array or object); it is zeroed. */
static struct jv *jv_grow(struct jv *v)
{
	struct jv *items = reallocarray(v->items, v->n + 1, sizeof(*items));

	if (!items)
		return NULL;
	v->items = items;
	items[v->n] = (struct jv){ 0 };
	return &items[v->n];
}

static int jp_items(struct jparser *jp, struct jv *v, char close)
{
	bool object = close == '}';

	jp->p++;
	jp_space(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return 0;
	}
	for (;;) {
		_cleanup_free_ char *key = NULL;
		struct jv *item;
		char **keys;
		int r;

		jp_space(jp);
		if (object) {
			if (jp->p >= jp->end || *jp->p != '"')
				return jp_fail(jp, "expected a key");
			r = jp_string(jp, &key);
			if (r < 0)
				return r;
			jp_space(jp);
			if (jp->p >= jp->end || *jp->p++ != ':')
				return jp_fail(jp, "expected ':'");
			keys = reallocarray(v->keys, v->n + 1, sizeof(*keys));
			if (!keys)
				return -ENOMEM;
			v->keys = keys;
		}
		item = jv_grow(v);
		if (!item)
			return -ENOMEM;
		if (object)
			v->keys[v->n] = TAKE_PTR(key);
		v->n++;
		r = jp_value(jp, item);
		if (r < 0)
			return r;
		jp_space(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			return 0;
		}
		return jp_fail(jp, object ? "expected ',' or '}'"
					  : "expected ',' or ']'");
	}
}

static int jp_value(struct jparser *jp, struct jv *v)
{
	int r;

	jp_space(jp);
	if (jp->p >= jp->end)
		return jp_fail(jp, "unexpected end of output");
	switch (*jp->p) {
	case '{':
	case '[':
		if (++jp->depth > JV_MAX_DEPTH)
			return jp_fail(jp, "nested too deeply");
		v->type = *jp->p == '{' ? JV_OBJECT : JV_ARRAY;
		r = jp_items(jp, v, *jp->p == '{' ? '}' : ']');
		jp->depth--;
		return r;
	case '"':
		v->type = JV_STRING;
		return jp_string(jp, &v->str);
	default:
		if (jp_literal(jp, "true") || jp_literal(jp, "false")) {
			v->type = JV_BOOL;
			return 0;
		}
		if (jp_literal(jp, "null"))
			return 0;
		v->type = JV_NUMBER;
		return jp_number(jp);
	}
}

/* The whole of @data is one JSON value (blanks around it allowed). */
int jv_parse(const char *data, size_t len, struct jv *ret,
	     const char **ret_error)
{
	struct jparser jp = { .p = data, .end = data + len };
	struct jv v = { 0 };
	int r;

	r = jp_value(&jp, &v);
	if (r == 0) {
		jp_space(&jp);
		if (jp.p != jp.end)
			r = jp_fail(&jp, "more output after the JSON value");
	}
	if (r < 0) {
		jv_done(&v);
		*ret_error = jp.error ? jp.error : "out of memory";
		return r;
	}
	*ret = v;
	return 0;
}

static const struct jv *jv_get(const struct jv *obj, const char *key)
{
	if (obj->type != JV_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

/* ---- findings: from what a check printed to the report ---- */

bool extchecks_name_valid(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* "a.b_c": words joined by single dots. */
static bool sub_id_valid(const char *s)
{
	bool word = false;

	for (; *s; s++) {
		if (*s == '.') {
			if (!word)
				return false;
			word = false;
		} else if (isalnum((unsigned char)*s) || *s == '_' || *s == '-') {
			word = true;
		} else {
			return false;
		}
	}
	return word;
}

/*
 * The report id of what check @name calls @id: "site.NAME" when @id is
 * absent or that itself, "site.NAME.X" for "X" or "site.NAME.X".
 */
static char *finding_id(const char *name, const char *id, const char **why)
{
	_cleanup_free_ char *base = strprintf(EXTCHECKS_PLUGIN ".%s", name);
	char *full;

	if (!base)
		return NULL;
	if (!id || strcmp(id, base) == 0)
		return TAKE_PTR(base);
	if (startswith(id, base) && id[strlen(base)] == '.')
		id += strlen(base) + 1;
	else if (startswith(id, EXTCHECKS_PLUGIN "."))
		*why = "an id lies beneath another check's name";
	if (*why || !sub_id_valid(id)) {
		if (!*why)
			*why = "an id is not words joined by dots";
		return NULL;
	}
	full = strprintf("%s.%s", base, id);
	if (full && strlen(full) > EXTCHECKS_MAX_ID) {
		free(full);
		*why = "an id is too long";
		return NULL;
	}
	return full;
}

static bool status_parse(const char *s, enum gp_status *ret)
{
	for (int i = 0; i < GP_STATUS_MAX; i++)
		if (strcmp(s, gp_status_name((enum gp_status)i)) == 0) {
			*ret = (enum gp_status)i;
			return true;
		}
	return false;
}

static bool text_ok(const struct jv *v, bool required)
{
	if (!v)
		return !required;
	return v->type == JV_STRING && strlen(v->str) <= EXTCHECKS_MAX_TEXT &&
	       (!required || *v->str);
}

/* One finding, checked in full before anything reaches the report. */
static const char *finding_valid(const char *name, const struct jv *f)
{
	const struct jv *id = jv_get(f, "id"), *st = jv_get(f, "status");
	const struct jv *ev = jv_get(f, "evidence");
	const char *why = NULL;
	enum gp_status status;
	char *full;

	if (f->type != JV_OBJECT)
		return "a finding is not an object";
	if (id && id->type != JV_STRING)
		return "an id is not a string";
	full = finding_id(name, id ? id->str : NULL, &why);
	if (!full)
		return why ? why : "out of memory";
	free(full);
	if (!st || st->type != JV_STRING || !status_parse(st->str, &status))
		return "a status is not pass, warn, fail, skip or error";
	if (!text_ok(jv_get(f, "message"), true))
		return "a message is missing, not a string, or too long";
	if (!text_ok(jv_get(f, "remediation"), false))
		return "a remediation is not a string, or too long";
	if (ev && (ev->type != JV_ARRAY || ev->n > EXTCHECKS_MAX_EVIDENCE))
		return "evidence is not an array, or too long";
	for (size_t i = 0; ev && i < ev->n; i++)
		if (!text_ok(&ev->items[i], false))
			return "an evidence line is not a string, or too long";
	return NULL;
}

static const char *report_valid(const char *name, const struct jv *top)
{
	const struct jv *list = jv_get(top, "findings");

	if (!list || list->type != JV_ARRAY)
		return "no \"findings\" array in a JSON object";
	if (list->n > EXTCHECKS_MAX_FINDINGS)
		return "too many findings";
	for (size_t i = 0; i < list->n; i++) {
		const char *why = finding_valid(name, &list->items[i]);

		if (why)
			return why;
	}
	return NULL;
}

static void emit_one(struct gp_ctx *ctx, const char *name, const struct jv *f)
{
	const struct jv *id = jv_get(f, "id"), *rem = jv_get(f, "remediation");
	const struct jv *ev = jv_get(f, "evidence");
	_cleanup_free_ char *full = NULL;
	enum gp_status status = GP_ERROR;
	const char *why = NULL;
	struct gp_finding *out;

	full = finding_id(name, id ? id->str : NULL, &why);
	if (!full)
		return;		/* out of memory: validated before */
	status_parse(jv_get(f, "status")->str, &status);
	out = gp_emit(ctx, full, status, "%s", jv_get(f, "message")->str);
	for (size_t i = 0; ev && i < ev->n; i++)
		gp_evidence(out, "%s", ev->items[i].str);
	if (rem && *rem->str)
		gp_remedy(out, "%s", rem->str);
}

/*
 * The first line of what a broken check printed, short, for evidence
 * (without the CR of a Windows program's CRLF).
 */
static void evidence_output(struct gp_finding *f, const struct exec_result *res)
{
	size_t n = strcspn(res->output, "\r\n");

	if (n > 200)
		n = 200;
	if (n > 0)
		gp_evidence(f, "output: %.*s", (int)n, res->output);
}

struct gp_finding *extchecks_emit_broken(struct gp_ctx *ctx, const char *name,
					 const char *path, const char *what)
{
	_cleanup_free_ char *id = strprintf(EXTCHECKS_PLUGIN ".%s", name);
	struct gp_finding *f;

	if (!id)
		return NULL;
	f = gp_emit(ctx, id, GP_ERROR, "site check %s %s", name, what);
	gp_evidence(f, "%s", path);
	gp_remedy(f, "fix or remove %s: it must print one JSON object "
		     "{\"findings\": [...]} on stdout (see README.md)", path);
	return f;
}

void extchecks_take_output(struct gp_ctx *ctx, const char *name,
			   const char *path, const struct exec_result *res,
			   int exit_code)
{
	_cleanup_free_ char *what = NULL;
	struct gp_finding *f;
	struct jv top = { 0 };
	const char *why = NULL;
	int r;

	if (res->truncated) {
		what = strprintf("printed more than %u bytes",
				 (unsigned)EXEC_OUTPUT_MAX);
		extchecks_emit_broken(ctx, name, path,
				      what ? what : "printed too much");
		return;
	}
	r = jv_parse(res->output, res->len, &top, &why);
	if (r == 0)
		why = report_valid(name, &top);
	if (r == -ENOMEM) {
		jv_done(&top);
		return;		/* the report notes lost findings itself */
	}
	if (r == 0 && !why) {
		const struct jv *list = jv_get(&top, "findings");

		for (size_t i = 0; i < list->n; i++)
			emit_one(ctx, name, &list->items[i]);
		if (list->n == 0)
			gp_debug("site check %s reported nothing", name);
	} else if (exit_code != 0 && (r < 0 || res->len == 0)) {
		what = strprintf("exited with status %d and printed no report",
				 exit_code);
		f = extchecks_emit_broken(ctx, name, path,
					  what ? what : "failed");
		evidence_output(f, res);
	} else {
		what = strprintf("printed an invalid report: %s",
				 res->len ? why : "nothing at all");
		f = extchecks_emit_broken(ctx, name, path,
					  what ? what : "is broken");
		evidence_output(f, res);
	}
	jv_done(&top);
}

void extchecks_warn_skipped(struct gp_ctx *ctx, const char *shown,
			    char **skipped, const char *rule)
{
	struct gp_finding *f;

	if (strv_isempty(skipped))
		return;
	f = gp_emit(ctx, EXTCHECKS_PLUGIN ".ignored", GP_WARN,
		    "%zu entr%s of %s %s not run", strv_length(skipped),
		    strv_length(skipped) == 1 ? "y" : "ies", shown,
		    strv_length(skipped) == 1 ? "was" : "were");
	for (size_t i = 0; skipped[i]; i++)
		gp_evidence(f, "%s", skipped[i]);
	gp_remedy(f, "%s", rule);
}

/*
 * As `guestprep list` prints checks: the id first (what --only takes),
 * then where it is.  What would not run is listed under the id of the
 * warning that reports it.
 */
void extchecks_list_entry(FILE *f, const char *name, const char *shown,
			  const char *why)
{
	_cleanup_free_ char *id = NULL;

	if (why) {
		fprintf(f, "  %-28s %s %s: not run\n", EXTCHECKS_LIST_IGNORED,
			shown, why);
		return;
	}
	id = strprintf(EXTCHECKS_PLUGIN ".%s", name);
	if (id)
		fprintf(f, "  %-28s %s\n", id, shown);
}

int extchecks_parse_timeout(const char *s, unsigned *ret)
{
	unsigned long long v;

	if (parse_u64(s, &v) < 0 || v < 1 || v > EXTCHECKS_TIMEOUT_MAX)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}
