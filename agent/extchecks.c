/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site checks (see extchecks.h).
 *
 * Trust comes from the file system, as with run-parts and sshd's
 * StrictModes: the directory and each executable must belong to root (or
 * to whoever runs guestprep) and be writable by nobody else, and names
 * are plain words ([A-Za-z0-9_-]) so editor backups and package leftovers
 * ("foo~", "foo.dpkg-old") are never run.  What is left out is reported
 * as a warning.  Entries are reached through a root (the live "/", or the
 * --checks-dir directory itself), so a symlink cannot lead out of it.
 *
 * The checks run after the capability drop: in check mode they hold
 * nothing but CAP_DAC_READ_SEARCH, with no_new_privs, so a setuid helper
 * cannot give them more.  Their output is parsed here with a small,
 * strict JSON reader and every field is checked before it reaches the
 * report; the JSON writer escapes whatever bytes the strings hold.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guestprep/log.h"
#include "exec.h"
#include "extchecks.h"
#include "util.h"

/* ---- a strict JSON reader, for what one check printed ---- */

#define JV_MAX_DEPTH 8

enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
	enum jv_type type;
	char *str;		/* JV_STRING: decoded, without NUL bytes */
	size_t n;		/* JV_ARRAY, JV_OBJECT: entries */
	struct jv *items;
	char **keys;		/* JV_OBJECT: the key of each item */
};

struct jparser {
	const char *p, *end;
	unsigned depth;
	const char *error;	/* why the input is refused */
};

static void jv_done(struct jv *v)
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
static int jv_parse(const char *data, size_t len, struct jv *ret,
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

/* The pseudo plugin the findings belong to (runner_add_finding). */
static const struct gp_check site_checks[] = {
	{ .id = EXTCHECKS_PLUGIN,
	  .summary = "site checks: executables in " EXTCHECKS_DIR },
	{ 0 },
};

static const struct gp_plugin site_plugin = {
	.name = EXTCHECKS_PLUGIN,
	.summary = "site-specific checks run from " EXTCHECKS_DIR,
	.checks = site_checks,
};

/* run-parts' rule: a plain word, so "x~", "x.bak", "x.dpkg-new" never run. */
static bool name_valid(const char *s)
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

/* The first line of what a broken check printed, short, for evidence. */
static void evidence_output(struct gp_finding *f, const struct exec_result *res)
{
	size_t n = strcspn(res->output, "\n");

	if (n > 200)
		n = 200;
	if (n > 0)
		gp_evidence(f, "output: %.*s", (int)n, res->output);
}

static struct gp_finding *emit_broken(struct gp_ctx *ctx, const char *name,
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

/* Judge how the check ended and what it printed. */
static void take_result(struct gp_ctx *ctx, const char *name, const char *path,
			const struct exec_result *res)
{
	_cleanup_free_ char *what = NULL;
	struct jv top = { 0 };
	const char *why = NULL;
	int r;

	if (WIFSIGNALED(res->status)) {
		what = strprintf("was killed by signal %d (%s)",
				 WTERMSIG(res->status),
				 strsignal(WTERMSIG(res->status)));
		emit_broken(ctx, name, path, what ? what : "was killed");
		return;
	}
	if (res->truncated) {
		what = strprintf("printed more than %u bytes",
				 (unsigned)EXEC_OUTPUT_MAX);
		emit_broken(ctx, name, path, what ? what : "printed too much");
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
	} else if (WEXITSTATUS(res->status) != 0 && (r < 0 || res->len == 0)) {
		what = strprintf("exited with status %d and printed no report",
				 WEXITSTATUS(res->status));
		evidence_output(emit_broken(ctx, name, path,
					    what ? what : "failed"), res);
	} else {
		what = strprintf("printed an invalid report: %s",
				 res->len ? why : "nothing at all");
		evidence_output(emit_broken(ctx, name, path,
					    what ? what : "is broken"), res);
	}
	jv_done(&top);
}

/* ---- finding and running the executables ---- */

struct site;

/*
 * What is done with each entry of the directory: @why is NULL for one
 * that runs, else the reason it does not; @name and @path are NULL when
 * the directory itself is refused.  Running and listing share the walk,
 * so "guestprep list" names exactly what "check" would run.
 */
typedef void site_visit_fn(struct site *s, const char *name, const char *path,
			   const char *shown, const char *why);

struct site {
	const struct gp_root *croot;	/* where the checks are */
	const char *dir;		/* inside croot */
	const char *shown;		/* the directory, for people */
	site_visit_fn *visit;
	/* running */
	struct gp_ctx *ctx;
	char *guest_root;		/* GUESTPREP_ROOT, absolute */
	char **skipped;			/* "NAME: why", for one warning */
	/* listing */
	FILE *out;
};

/* Root's, or the running user's (a test, a non-root run), and no one else's. */
static const char *untrusted(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "is not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "is writable by group or others";
	return NULL;
}

/* Why the entry @name is not run, or NULL. */
static const char *entry_refused(const struct site *s, const char *path,
				 const char *name)
{
	struct stat st;

	if (!name_valid(name))
		return "is not a plain name ([A-Za-z0-9_-]: editor backup or "
		       "package leftover?)";
	if (gp_root_stat(s->croot, path, true, &st) < 0)
		return "cannot be resolved inside the directory (dangling, or "
		       "a symlink leading out of it)";
	if (!S_ISREG(st.st_mode))
		return "is not a regular file";
	if (!(st.st_mode & S_IXUSR))
		return "is not executable";
	return untrusted(&st);
}

/* The host path to exec: the croot's directory plus the resolved path. */
static char *host_path(const struct site *s, const char *path)
{
	_cleanup_free_ char *resolved = NULL;
	const char *top = gp_root_path(s->croot);

	if (gp_root_resolve(s->croot, path, &resolved) < 0)
		return NULL;
	if (strcmp(top, "/") == 0)
		return TAKE_PTR(resolved);
	return strprintf("%s%s", top, resolved);
}

static void run_one(struct site *s, const char *name, const char *path,
		    const char *shown)
{
	_cleanup_free_ char *exe = NULL, *env_root = NULL;
	_cleanup_free_ char *what = NULL;
	unsigned sec = s->ctx->checks_timeout_sec ? s->ctx->checks_timeout_sec
						  : EXTCHECKS_TIMEOUT_SEC;
	/* What monitoring plugins get: a fixed PATH, C locale, and the root. */
	char *env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root", "LC_ALL=C", NULL, NULL,
	};
	char *argv[] = { NULL, NULL };
	const struct exec_opts opts = { .env = env, .timeout_ms = sec * 1000,
					/* Their stderr is for people: ours. */
					.keep_stderr = true };
	struct exec_result res = { 0 };
	int r;

	exe = host_path(s, path);
	env_root = strprintf("GUESTPREP_ROOT=%s", s->guest_root);
	if (!exe || !env_root) {
		emit_broken(s->ctx, name, shown, "could not be started");
		return;
	}
	argv[0] = exe;
	env[3] = env_root;
	gp_debug("running site check %s", exe);
	r = exec_program(argv, &opts, &res);
	if (r == -ETIMEDOUT)
		what = strprintf("timed out after %u s", sec);
	else if (r < 0)
		what = strprintf("could not be started: %s", strerror(-r));
	if (r < 0)
		emit_broken(s->ctx, name, shown, what ? what : "failed");
	else
		take_result(s->ctx, name, shown, &res);
	free(res.output);
}

/* check: run what is trusted, collect the rest for one warning. */
static void run_visit(struct site *s, const char *name, const char *path,
		      const char *shown, const char *why)
{
	if (why)
		strv_pushf(&s->skipped, "%s %s", shown, why);
	else
		run_one(s, name, path, shown);
}

static int dir_names(const struct site *s, char ***ret)
{
	_cleanup_(strv_freep) char **names = NULL;
	DIR *d = NULL;
	struct dirent *de;
	int r;

	r = gp_root_opendir(s->croot, s->dir, &d);
	if (r < 0)
		return r;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strv_push(&names, de->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	closedir(d);
	strv_sort(names);	/* run in a stable order, as run-parts */
	*ret = TAKE_PTR(names);
	return 0;
}

static void visit_entry(struct site *s, const char *name)
{
	_cleanup_free_ char *path =
		strprintf("%s/%s", strcmp(s->dir, "/") ? s->dir : "", name);
	_cleanup_free_ char *shown = strprintf("%s/%s", s->shown, name);

	if (path && shown)
		s->visit(s, name, path, shown, entry_refused(s, path, name));
}

/* Every entry of the directory, in order, once it is found trustworthy. */
static void walk_dir(struct site *s)
{
	_cleanup_(strv_freep) char **names = NULL;
	_cleanup_free_ char *what = NULL;
	struct stat st;
	const char *why;
	int r;

	if (gp_root_stat(s->croot, s->dir, true, &st) < 0)
		return;		/* no site checks: nothing to say */
	why = S_ISDIR(st.st_mode) ? untrusted(&st) : "is not a directory";
	if (why) {
		s->visit(s, NULL, NULL, s->shown, why);
		return;
	}
	r = dir_names(s, &names);
	if (r < 0) {
		what = strprintf("cannot be read: %s", strerror(-r));
		s->visit(s, NULL, NULL, s->shown, what ? what : "cannot be read");
		return;
	}
	for (size_t i = 0; names && names[i]; i++)
		visit_entry(s, names[i]);
}

static void warn_skipped(struct site *s)
{
	struct gp_finding *f;

	if (strv_isempty(s->skipped))
		return;
	f = gp_emit(s->ctx, EXTCHECKS_PLUGIN ".ignored", GP_WARN,
		    "%zu entr%s of %s %s not run", strv_length(s->skipped),
		    strv_length(s->skipped) == 1 ? "y" : "ies", s->shown,
		    strv_length(s->skipped) == 1 ? "was" : "were");
	for (size_t i = 0; s->skipped[i]; i++)
		gp_evidence(f, "%s", s->skipped[i]);
	gp_remedy(f, "site checks must be executable files with plain names, "
		     "owned by root and writable only by it");
}

/* An offline tree's own checks are the image's: say so, run nothing. */
static void note_offline(struct gp_ctx *ctx)
{
	struct gp_finding *f;

	if (!gp_root_is_dir(ctx->root, EXTCHECKS_DIR))
		return;
	f = gp_emit(ctx, EXTCHECKS_PLUGIN ".offline", GP_SKIP,
		    "the site checks of an offline system are not run");
	gp_evidence(f, "%s", EXTCHECKS_DIR);
	gp_remedy(f, "run guestprep inside the system, or name a trusted "
		     "directory of checks with --checks-dir");
}

static void site_run(struct site *s)
{
	char *abs = realpath(gp_root_path(s->ctx->root), NULL);

	s->guest_root = abs ? abs : strdup(gp_root_path(s->ctx->root));
	if (s->guest_root)
		walk_dir(s);
	warn_skipped(s);
	free(s->guest_root);
	strv_free(s->skipped);
}

/*
 * Where the site checks of @root are: 1 with s->croot, dir and shown
 * set (*ret_own is the root to free, if one was opened), 0 when there
 * are none to run (an offline tree without --checks-dir), -errno when
 * the --checks-dir directory cannot be opened.
 */
static int site_locate(struct site *s, const struct gp_root *root,
		       const char *checks_dir, struct gp_root **ret_own)
{
	struct gp_root *own = NULL;
	int r;

	if (checks_dir) {
		/* The directory is a root of its own: links stay inside it. */
		r = gp_root_new(checks_dir, &own);
		if (r < 0)
			return r;
		s->croot = own;
		s->dir = "/";
		s->shown = checks_dir;
		*ret_own = own;
		return 1;
	}
	if (!gp_root_is_live(root))
		return 0;
	s->croot = root;
	s->dir = s->shown = EXTCHECKS_DIR;
	return 1;
}

int extchecks_run(struct gp_ctx *ctx)
{
	struct gp_root *own = NULL;
	struct site s = { .ctx = ctx, .visit = run_visit };
	struct gp_finding *f;
	int r;

	ctx->plugin = &site_plugin;
	ctx->check = &site_checks[0];
	r = site_locate(&s, ctx->root, ctx->checks_dir, &own);
	if (r > 0) {
		site_run(&s);
	} else if (r == 0) {
		note_offline(ctx);
	} else {
		f = gp_emit(ctx, EXTCHECKS_PLUGIN ".ignored", GP_WARN,
			    "the site checks directory cannot be used: %s",
			    strerror(-r));
		gp_evidence(f, "%s", ctx->checks_dir);
	}
	gp_root_free(own);
	ctx->plugin = NULL;
	ctx->check = NULL;
	return ctx->report->oom ? -ENOMEM : 0;
}

/* ---- listing: what check would run, without running it ---- */

#define LIST_IGNORED EXTCHECKS_PLUGIN ".ignored"

/*
 * As `guestprep list` prints checks: the id first (what --only takes),
 * then where it is.  What would not run is listed under the id of the
 * warning that reports it.
 */
static void list_visit(struct site *s, const char *name, const char *path,
		       const char *shown, const char *why)
{
	_cleanup_free_ char *id = NULL;

	(void)path;
	if (why) {
		fprintf(s->out, "  %-28s %s %s: not run\n", LIST_IGNORED, shown,
			why);
		return;
	}
	id = strprintf(EXTCHECKS_PLUGIN ".%s", name);
	if (id)
		fprintf(s->out, "  %-28s %s\n", id, shown);
}

int extchecks_list(FILE *f, const struct gp_root *root, const char *checks_dir)
{
	struct gp_root *own = NULL;
	struct site s = { .visit = list_visit, .out = f };
	int r;

	r = site_locate(&s, root, checks_dir, &own);
	fprintf(f, "%-16s site-specific checks: executables in %s%s\n",
		site_plugin.name, r > 0 ? s.shown : EXTCHECKS_DIR,
		r > 0 ? "" : " (live system only)");
	if (r > 0)
		walk_dir(&s);
	else if (r == 0 && gp_root_is_dir(root, EXTCHECKS_DIR))
		fprintf(f, "  %-28s %s: not run on an offline system "
			   "(see --checks-dir)\n",
			EXTCHECKS_PLUGIN ".offline", EXTCHECKS_DIR);
	else if (r < 0)
		fprintf(f, "  %-28s %s cannot be used: %s\n", LIST_IGNORED,
			checks_dir, strerror(-r));
	gp_root_free(own);
	return ferror(f) ? -EIO : 0;
}

int extchecks_parse_timeout(const char *s, unsigned *ret)
{
	unsigned long long v;

	if (parse_u64(s, &v) < 0 || v < 1 || v > EXTCHECKS_TIMEOUT_MAX)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}
