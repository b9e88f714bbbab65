/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The portable half of the fix journal (see journal.h and journal.c for
 * the format): building and sealing records, reading runs back, the
 * order of undo, history, and the registry changes of guestprep.exe,
 * which need no file system calls beyond appending to the journal.
 * journal.c (Linux: files, commands, openat, flock, xattrs) and
 * journal-win32.c (guestprep.exe) hold the platform's side.
 *
 * A registry change ("HKLM\KEY" and a value name) is journaled as
 *
 *   intent   seq, kind=registry, path, value, regtype, data (the new
 *            type and data, data in hex)
 *   saved    seq, existed (0|1); when 1: regtype, data (the old)
 *   done / failed, reverted, as for a file
 *
 * and undone by setting the old type and data again, or deleting a
 * value that did not exist, but only while the value still holds what
 * the run set (or already the old state): a value someone changed since
 * is left alone and reported (-ESTALE), unless undo --force.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guestprep/fix.h"
#include "guestprep/macro.h"
#include "journal-internal.h"
#include "util.h"

/* " sum=" and eight hex digits. */
#define SUM_LEN 13

/* ---- the test hook ----------------------------------------------------- */

static unsigned stop_after;
static unsigned steps;

void journal_test_stop_after(unsigned step)
{
	stop_after = step;
}

void steps_reset(void)
{
	const char *env = getenv("GUESTPREP_JOURNAL_STOP_AFTER");
	unsigned long long n;

	steps = 0;
	if (env && parse_u64(env, &n) == 0 && n <= UINT_MAX)
		stop_after = (unsigned)n;
}

/* One more step is on disk: a test may end the process here, as a crash. */
void step_done(void)
{
	steps++;
	if (stop_after && steps == stop_after)
		_exit(99);
}

/* ---- records ----------------------------------------------------------- */

uint64_t fnv1a(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint32_t line_sum(const char *s, size_t len)
{
	uint64_t h = fnv1a(s, len, FNV_INIT);

	return (uint32_t)(h ^ (h >> 32));
}

void rec_done(struct rec *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
}

void rec_put(struct rec *r, const char *s, size_t n)
{
	if (r->err)
		return;
	if (r->len + n + 1 > r->cap) {
		size_t cap = (r->len + n + 1) * 2;
		char *p = realloc(r->buf, cap);

		if (!p) {
			r->err = -ENOMEM;
			return;
		}
		r->buf = p;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	r->buf[r->len] = '\0';
}

/* For numbers and keys only: anything longer is a bug. */
void rec_printf(struct rec *r, const char *fmt, ...)
{
	char s[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s)) {
		r->err = r->err ? r->err : -EINVAL;
		return;
	}
	rec_put(r, s, (size_t)n);
}

void rec_escape(struct rec *r, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '\\')
			rec_printf(r, "\\x%02x", c);
		else
			rec_put(r, s + i, 1);
	}
}

void rec_str(struct rec *r, const char *key, const char *s)
{
	rec_printf(r, " %s=", key);
	rec_escape(r, s, strlen(s));
}

void rec_time(struct rec *r, const char *key, const struct timespec *ts)
{
	rec_printf(r, " %s=%lld.%09ld", key, (long long)ts->tv_sec,
		   (long)ts->tv_nsec);
}

void rec_strv(struct rec *r, const char *key, char *const *strv)
{
	for (; strv && *strv; strv++)
		rec_str(r, key, *strv);
}

int jwrite_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Seal @r with its sum, append it and make it durable. */
int jfile_write(struct jfile *f, struct rec *r)
{
	int ret;

	rec_printf(r, " sum=%08" PRIx32 "\n", line_sum(r->buf, r->len));
	if (r->err)
		return r->err;
	if (f->torn) {
		ret = jwrite_all(f->fd, "\n", 1);
		if (ret < 0)
			return ret;
		f->torn = false;
	}
	ret = jwrite_all(f->fd, r->buf, r->len);
	if (ret < 0) {
		f->torn = true;
		return ret;
	}
	if (fsync(f->fd) < 0)
		return -errno;
	step_done();
	return 0;
}

/* The common short records: "TYPE seq=N" and an optional error. */
int jfile_seq(struct jfile *f, const char *type, unsigned seq, int err)
{
	_cleanup_(rec_done) struct rec r = { 0 };

	rec_printf(&r, "%s seq=%u", type, seq);
	if (err < 0)
		rec_printf(&r, " error=%d", -err);
	return jfile_write(f, &r);
}

/* ---- parsing ----------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo rec_escape() in place; returns the length, or -EBADMSG. */
ssize_t unescape(char *s)
{
	char *out = s;

	for (const char *p = s; *p; p++) {
		int hi, lo;

		if (*p != '\\') {
			*out++ = *p;
			continue;
		}
		if (p[1] != 'x' || (hi = hexval(p[2])) < 0 ||
		    (lo = hexval(p[3])) < 0)
			return -EBADMSG;
		*out++ = (char)(hi << 4 | lo);
		p += 3;
	}
	*out = '\0';
	return out - s;
}

/* @len bytes as lower-case hex, for registry data (which holds NULs). */
static void rec_hex(struct rec *r, const char *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char buf[128];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		buf[n++] = digits[c >> 4];
		buf[n++] = digits[c & 15];
		if (n == sizeof(buf)) {
			rec_put(r, buf, n);
			n = 0;
		}
	}
	rec_put(r, buf, n);
}

static void rec_regdata(struct rec *r, uint32_t type, const char *data,
			size_t len)
{
	rec_printf(r, " regtype=%" PRIu32 " data=", type);
	rec_hex(r, data, len);
}

/* Undo rec_hex(); the result is NUL-terminated (one byte past @ret_len). */
static int hex_decode(const char *hex, char **ret, size_t *ret_len)
{
	size_t len = strlen(hex);
	char *data;

	if (len % 2)
		return -EBADMSG;
	data = malloc(len / 2 + 1);
	if (!data)
		return -ENOMEM;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(data);
			return -EBADMSG;
		}
		data[i] = (char)(hi << 4 | lo);
	}
	data[len / 2] = '\0';
	*ret = data;
	*ret_len = len / 2;
	return 0;
}

struct field {
	char *key;
	char *value;
};

/* One record, split in place into its type and fields. */
struct line {
	char *type;
	struct field *fields;
	size_t n;
};

static void line_done(struct line *l)
{
	free(l->fields);
	l->fields = NULL;
	l->n = 0;
}

/* Check and strip the sum of @s (one line, no newline). */
static bool line_verify(char *s, size_t len)
{
	char *sum;
	uint32_t want = 0;

	if (len < SUM_LEN)
		return false;
	sum = s + len - SUM_LEN;
	if (memcmp(sum, " sum=", 5) != 0)
		return false;
	for (int i = 5; i < SUM_LEN; i++) {
		int v = hexval(sum[i]);

		if (v < 0)
			return false;
		want = want << 4 | (uint32_t)v;
	}
	if (line_sum(s, len - SUM_LEN) != want)
		return false;
	*sum = '\0';
	return true;
}

static int line_split(char *s, struct line *l)
{
	char *save = NULL, *tok;
	ssize_t len;

	l->type = strtok_r(s, " ", &save);
	l->fields = NULL;
	l->n = 0;
	if (!l->type)
		return -EBADMSG;
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');
		struct field *f;

		if (!eq)
			return -EBADMSG;
		*eq = '\0';
		/* Paths and arguments never hold a NUL: refuse, not cut. */
		len = unescape(eq + 1);
		if (len < 0 || (size_t)len != strlen(eq + 1))
			return -EBADMSG;
		f = realloc(l->fields, (l->n + 1) * sizeof(*f));
		if (!f)
			return -ENOMEM;
		l->fields = f;
		f[l->n++] = (struct field){ tok, eq + 1 };
	}
	return 0;
}

static const char *line_get(const struct line *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->fields[i].key, key) == 0)
			return l->fields[i].value;
	return NULL;
}

static int parse_num(const char *s, int base, unsigned long long *ret)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EBADMSG;
	errno = 0;
	*ret = strtoull(s, &end, base);
	return errno || *end ? -EBADMSG : 0;
}

static int line_num(const struct line *l, const char *key, int base,
		    unsigned long long *ret)
{
	return parse_num(line_get(l, key), base, ret);
}

/* "SEC.NSEC" as rec_time() writes it (SEC may be negative). */
static int line_time(const struct line *l, const char *key,
		     struct timespec *ret)
{
	const char *s = line_get(l, key);
	unsigned long long ns;
	char *dot;
	long long sec;

	if (!s)
		return -EBADMSG;
	errno = 0;
	sec = strtoll(s, &dot, 10);
	if (errno || dot == s || *dot != '.' ||
	    parse_num(dot + 1, 10, &ns) < 0 || ns >= 1000000000ull)
		return -EBADMSG;
	ret->tv_sec = (time_t)sec;
	ret->tv_nsec = (long)ns;
	return 0;
}

/* Every value of @key, in order (NULL when there is none). */
static int line_strv(const struct line *l, const char *key, char ***ret)
{
	char **v = NULL;

	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->fields[i].key, key) != 0)
			continue;
		if (strv_push(&v, l->fields[i].value) < 0) {
			strv_free(v);
			return -ENOMEM;
		}
	}
	*ret = v;
	return 0;
}

static int dup_field(const struct line *l, const char *key, bool required,
		     char **ret)
{
	const char *v = line_get(l, key);

	if (!v)
		return required ? -EBADMSG : 0;
	*ret = strdup(v);
	return *ret ? 0 : -ENOMEM;
}

/* ---- a run as read back ------------------------------------------------ */

static void jchange_done(struct jchange *c)
{
	free(c->path);
	free(c->temp);
	free(c->dir);
	free(c->new_target);
	strv_free(c->argv);
	strv_free(c->undo_argv);
	strv_free(c->mkdirs);
	strv_free(c->revert_temps);
	free(c->orig.backup);
	free(c->orig.xattrs);
	free(c->orig.target);
	free(c->orig.reg_data);
	free(c->value);
	free(c->reg_data);
}

void jrun_done(struct jrun *run)
{
	for (size_t i = 0; i < run->n; i++)
		jchange_done(&run->changes[i]);
	free(run->changes);
	free(run->id);
	free(run->version);
	memset(run, 0, sizeof(*run));
}

static struct jchange *jrun_find(struct jrun *run, unsigned long long seq)
{
	for (size_t i = run->n; i-- > 0;)
		if (run->changes[i].seq == seq)
			return &run->changes[i];
	return NULL;
}

static int parse_kind(const char *s, enum gp_change_kind *ret)
{
	for (int i = GP_CHANGE_WRITE; s && i <= GP_CHANGE_REGISTRY; i++)
		if (strcmp(s, gp_change_kind_name(i)) == 0) {
			*ret = (enum gp_change_kind)i;
			return 0;
		}
	return -EBADMSG;
}

/* "regtype=T data=HEX" into @ret_type, @ret_data, @ret_len. */
static int line_regdata(const struct line *l, uint32_t *ret_type,
			char **ret_data, size_t *ret_len)
{
	unsigned long long type;
	const char *hex = line_get(l, "data");

	if (line_num(l, "regtype", 10, &type) < 0 || type > UINT32_MAX ||
	    !hex)
		return -EBADMSG;
	*ret_type = (uint32_t)type;
	return hex_decode(hex, ret_data, ret_len);
}

static int parse_registry_intent(struct jchange *c, const struct line *l)
{
	int r;

	r = dup_field(l, "path", true, &c->path);
	if (r == 0)
		r = dup_field(l, "value", true, &c->value);
	if (r == 0)
		r = line_regdata(l, &c->reg_type, &c->reg_data, &c->reg_len);
	return r;
}

static int parse_intent_fields(struct jchange *c, const struct line *l)
{
	unsigned long long flags = 0;
	int r;

	if (c->kind == GP_CHANGE_COMMAND) {
		if (line_get(l, "flags") &&
		    line_num(l, "flags", 10, &flags) < 0)
			return -EBADMSG;
		c->flags = (unsigned)flags;
		r = line_strv(l, "arg", &c->argv);
		if (r == 0)
			r = line_strv(l, "undo", &c->undo_argv);
		if (r == 0 && !c->argv)
			r = -EBADMSG;
		c->keeps = line_get(l, "keep") != NULL;
		return r;
	}
	if (c->kind == GP_CHANGE_REGISTRY)
		return parse_registry_intent(c, l);
	r = dup_field(l, "path", true, &c->path);
	if (r == 0)
		r = dup_field(l, "temp", false, &c->temp);
	if (r == 0)
		r = dup_field(l, "dir", false, &c->dir);
	if (r == 0 && c->kind == GP_CHANGE_SYMLINK)
		r = dup_field(l, "target", false, &c->new_target);
	if (r == 0 && line_get(l, "newsum")) {
		unsigned long long sum;

		if (line_num(l, "size", 10, &c->new_size) < 0 ||
		    line_num(l, "newsum", 16, &sum) < 0)
			return -EBADMSG;
		c->new_sum = sum;
		c->has_new_sum = true;
	}
	if (r == 0 && c->dir)
		c->has_dir_times =
			line_time(l, "datime", &c->dir_times[0]) == 0 &&
			line_time(l, "dmtime", &c->dir_times[1]) == 0;
	return r;
}

static int parse_intent(struct jrun *run, const struct line *l)
{
	unsigned long long seq;
	struct jchange *c;

	if (line_num(l, "seq", 10, &seq) < 0 || seq > UINT_MAX)
		return -EBADMSG;
	c = realloc(run->changes, (run->n + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	run->changes = c;
	c = &run->changes[run->n++];
	memset(c, 0, sizeof(*c));
	c->seq = (unsigned)seq;
	/* A kept file is restored as the original of a write is. */
	if (line_get(l, "kind") && strcmp(line_get(l, "kind"), "keep") == 0)
		c->kind = GP_CHANGE_WRITE;
	else if (parse_kind(line_get(l, "kind"), &c->kind) < 0)
		return -EBADMSG;
	return parse_intent_fields(c, l);
}

/* A plain name in files/, never a path. */
static bool backup_name_ok(const char *s)
{
	return s && *s && *s != '.' && !strchr(s, '/');
}

static int parse_saved_file(struct jsaved *o, const struct line *l)
{
	int r;

	if (line_num(l, "size", 10, &o->size) < 0)
		return -EBADMSG;
	r = dup_field(l, "backup", true, &o->backup);
	if (r == 0)
		r = dup_field(l, "xattrs", false, &o->xattrs);
	if (r == 0 && (!backup_name_ok(o->backup) ||
		       (o->xattrs && !backup_name_ok(o->xattrs))))
		r = -EBADMSG;
	return r;
}

static int parse_saved(struct jchange *c, const struct line *l)
{
	struct jsaved *o = &c->orig;
	unsigned long long existed, mode, uid, gid;
	const char *type;

	/* The writer saves a change's original once: a second record is
	 * damage, and would overwrite (and leak) what the first one read. */
	if (c->saved || line_num(l, "existed", 10, &existed) < 0 ||
	    existed > 1)
		return -EBADMSG;
	c->saved = true;
	o->existed = existed;
	if (!o->existed)
		return 0;
	if (c->kind == GP_CHANGE_REGISTRY)
		return line_regdata(l, &o->reg_type, &o->reg_data,
				    &o->reg_len);
	type = line_get(l, "type");
	if (!type || line_num(l, "mode", 8, &mode) < 0 ||
	    line_num(l, "uid", 10, &uid) < 0 ||
	    line_num(l, "gid", 10, &gid) < 0 ||
	    line_time(l, "atime", &o->times[0]) < 0 ||
	    line_time(l, "mtime", &o->times[1]) < 0 || mode > 07777)
		return -EBADMSG;
	o->mode = (mode_t)mode;
	o->uid = (unsigned)uid;
	o->gid = (unsigned)gid;
	if (strcmp(type, "link") == 0) {
		o->link = true;
		return dup_field(l, "target", true, &o->target);
	}
	if (strcmp(type, "file") != 0)
		return -EBADMSG;
	return parse_saved_file(o, l);
}

static int push_field(const struct line *l, const char *key, char ***strv)
{
	const char *v = line_get(l, key);

	return v ? strv_push(strv, v) : -EBADMSG;
}

static int parse_change_record(struct jrun *run, const struct line *l)
{
	unsigned long long seq;
	struct jchange *c;

	if (line_num(l, "seq", 10, &seq) < 0)
		return -EBADMSG;
	c = jrun_find(run, seq);
	if (!c)
		return -EBADMSG;
	if (strcmp(l->type, "saved") == 0)
		return parse_saved(c, l);
	if (strcmp(l->type, "mkdir") == 0)
		return push_field(l, "path", &c->mkdirs);
	if (strcmp(l->type, "revert") == 0)
		return push_field(l, "temp", &c->revert_temps);
	if (strcmp(l->type, "done") == 0)
		c->done = true;
	else if (strcmp(l->type, "failed") == 0)
		c->failed = true;
	else if (strcmp(l->type, "reverted") == 0)
		c->reverted = true;
	return 0;
}

static int parse_record(struct jrun *run, const struct line *l)
{
	const char *t = l->type;

	if (strcmp(t, "run") == 0) {
		if (line_time(l, "started", &run->started) < 0)
			return -EBADMSG;
		/* A damaged journal may repeat the line: the last one counts
		 * (and the first one's copy must not leak). */
		free(run->version);
		run->version = NULL;
		return dup_field(l, "version", false, &run->version);
	}
	if (strcmp(t, "intent") == 0)
		return parse_intent(run, l);
	if (strcmp(t, "end") == 0) {
		run->complete = true;
		return 0;
	}
	if (strcmp(t, "undone") == 0) {
		run->undone = true;
		return 0;
	}
	if (strcmp(t, "saved") == 0 || strcmp(t, "mkdir") == 0 ||
	    strcmp(t, "revert") == 0 || strcmp(t, "done") == 0 ||
	    strcmp(t, "failed") == 0 || strcmp(t, "reverted") == 0)
		return parse_change_record(run, l);
	return 0;	/* a later minor version's record: not needed to undo */
}

static int parse_line(struct jrun *run, char *s, size_t len)
{
	_cleanup_(line_done) struct line l = { 0 };
	int r;

	/* A line torn by a crash was never acted upon. */
	if (!line_verify(s, len))
		return 0;
	r = line_split(s, &l);
	if (r < 0)
		return r;
	return parse_record(run, &l);
}

int jrun_parse(struct jrun *run, char *data, size_t size)
{
	size_t hl = strlen(JOURNAL_HEADER);
	char *p = data, *end = data + size;
	int r;

	if (size < hl || memcmp(data, JOURNAL_HEADER, hl) != 0)
		return -EBADMSG;
	run->ends_in_newline = data[size - 1] == '\n';
	for (p += hl; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			break;	/* torn last line */
		*nl = '\0';
		r = parse_line(run, p, (size_t)(nl - p));
		if (r < 0)
			return r;
		p = nl + 1;
	}
	return 0;
}

bool run_id_ok(const char *id)
{
	if (!id || !*id || *id == '.' || strlen(id) > NAME_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!strchr("0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-_", *p))
			return false;
	return true;
}

static int jrun_load(const struct gp_root *root, const char *id,
		     struct jrun *run)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t size = 0;
	int r;

	memset(run, 0, sizeof(*run));
	path = strprintf("%s/%s/%s", JOURNAL_DIR, id, JOURNAL_FILE);
	if (!path)
		return -ENOMEM;
	r = gp_root_read_file(root, path, JOURNAL_MAX, &data, &size);
	if (r < 0)
		return r;
	run->id = strdup(id);
	if (!run->id)
		return -ENOMEM;
	r = jrun_parse(run, data, size);
	if (r < 0)
		jrun_done(run);
	return r;
}

static int jrun_cmp(const void *a, const void *b)
{
	const struct jrun *x = a, *y = b;

	if (x->started.tv_sec != y->started.tv_sec)
		return x->started.tv_sec < y->started.tv_sec ? -1 : 1;
	if (x->started.tv_nsec != y->started.tv_nsec)
		return x->started.tv_nsec < y->started.tv_nsec ? -1 : 1;
	return strcmp(x->id, y->id);
}

void jruns_free(struct jrun *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		jrun_done(&runs[i]);
	free(runs);
}

/*
 * Every run that can be read, oldest first.  A directory without a
 * readable journal (a crash before its first record) is no run.
 */
int jruns_load(const struct gp_root *root, struct jrun **ret,
		      size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct jrun *runs = NULL;
	struct dirent *de;
	size_t n = 0;
	int r;

	r = gp_root_opendir(root, JOURNAL_DIR, &d);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r;
	while ((de = readdir(d))) {
		struct jrun *p;

		if (!run_id_ok(de->d_name))
			continue;
		p = realloc(runs, (n + 1) * sizeof(*p));
		if (!p) {
			jruns_free(runs, n);
			return -ENOMEM;
		}
		runs = p;
		if (jrun_load(root, de->d_name, &runs[n]) == 0)
			n++;
	}
	if (n > 1)
		qsort(runs, n, sizeof(*runs), jrun_cmp);
	*ret = runs;
	*ret_n = n;
	return 0;
}


/* ---- registry changes ---------------------------------------------------- */

const struct journal_regops *journal_registry;

static bool regdata_eq(uint32_t t1, const char *d1, size_t l1, uint32_t t2,
		       const char *d2, size_t l2)
{
	return t1 == t2 && l1 == l2 && (l1 == 0 || memcmp(d1, d2, l1) == 0);
}

/* The key of "HKLM\\KEY" as the registry calls take it. */
static int reg_key(const char *path, const char **ret)
{
	if (!path || strncmp(path, "HKLM\\", 5) != 0 || !path[5])
		return -EINVAL;
	*ret = path + 5;
	return 0;
}

/* Is the value still what the plan saw (@c->existed, old type and data)? */
static int reg_check_plan(const struct gp_change *c, int got, uint32_t type,
			  const char *data, size_t len)
{
	if (got == -ENOENT)
		return c->existed ? -ESTALE : 0;
	if (got < 0)
		return got;
	if (!c->existed || !regdata_eq(type, data, len, c->old_reg_type,
				       c->old_data, c->old_len))
		return -ESTALE;
	return 0;
}

int journal_apply_registry(struct jfile *jf, unsigned *seq,
			   struct gp_change *c)
{
	const struct journal_regops *ops = journal_registry;
	_cleanup_(rec_done) struct rec intent = { 0 }, saved = { 0 };
	_cleanup_free_ char *now = NULL;
	uint32_t now_type = 0;
	size_t now_len = 0;
	const char *key;
	unsigned n;
	int r;

	if (!ops)
		return -EOPNOTSUPP;	/* no live registry here */
	r = reg_key(c->path, &key);
	if (r == 0 && (!c->value || (!c->data && c->len)))
		r = -EINVAL;
	if (r < 0)
		return r;
	/* Until the intent is recorded, nothing may be written. */
	r = ops->get(key, c->value, &now_type, &now, &now_len);
	r = reg_check_plan(c, r, now_type, now, now_len);
	if (r < 0)
		return r;
	n = ++*seq;
	rec_printf(&intent, "intent seq=%u kind=registry", n);
	rec_str(&intent, "path", c->path);
	rec_str(&intent, "value", c->value);
	rec_regdata(&intent, c->reg_type, c->data, c->len);
	r = jfile_write(jf, &intent);
	if (r < 0)
		return r;
	rec_printf(&saved, "saved seq=%u existed=%d", n, c->existed);
	if (c->existed)
		rec_regdata(&saved, now_type, now, now_len);
	r = jfile_write(jf, &saved);
	if (r == 0)
		r = ops->set(key, c->value, c->reg_type, c->data, c->len);
	if (r < 0) {
		/* One call, all or nothing: the value is as it was. */
		(void)jfile_seq(jf, "failed", n, r);
		return r;
	}
	step_done();
	return jfile_seq(jf, "done", n, 0);
}

static bool undo_force;

void journal_set_undo_force(bool force)
{
	undo_force = force;
}

bool undo_forced(void)
{
	return undo_force;
}

/*
 * Put the old data back, or delete a value the run created; only while
 * the value holds what the run set.
 */
static int revert_registry(const struct jchange *c, char **what)
{
	const struct journal_regops *ops = journal_registry;
	const struct jsaved *o = &c->orig;
	_cleanup_free_ char *now = NULL;
	uint32_t type = 0;
	size_t len = 0;
	const char *key;
	bool ours, before;
	int r;

	if (!c->saved || c->failed)
		return 0;	/* never applied: nothing to put back */
	*what = strprintf("%s %s\\%s", o->existed ? "restored" : "removed",
			  c->path, *c->value ? c->value : "(Default)");
	if (!*what)
		return -ENOMEM;
	if (!ops)
		return -ENOSYS;	/* not here: keep it for guestprep.exe */
	r = reg_key(c->path, &key);
	if (r < 0)
		return r;
	r = ops->get(key, c->value, &type, &now, &len);
	if (r < 0 && r != -ENOENT)
		return r;
	ours = r == 0 && regdata_eq(type, now, len, c->reg_type, c->reg_data,
				    c->reg_len);
	before = o->existed ? r == 0 && regdata_eq(type, now, len, o->reg_type,
						   o->reg_data, o->reg_len)
			    : r == -ENOENT;
	if (before && !ours)
		return 0;	/* interrupted before the set, or put back */
	if (!ours && !undo_force) {
		/* Changed since by someone else: theirs now, not ours. */
		free(*what);
		*what = strprintf("left alone %s\\%s: changed since the fix "
				  "run (undo --force puts it back anyway)",
				  c->path, *c->value ? c->value : "(Default)");
		return *what ? -ESTALE : -ENOMEM;
	}
	r = o->existed ? ops->set(key, c->value, o->reg_type, o->reg_data,
				  o->reg_len)
		       : ops->del(key, c->value);
	if (r == 0)
		step_done();
	return r;
}

/* Takes @what. */
static int undo_item(struct gp_undo_result *res, char *what, int result)
{
	struct gp_undo_item *items;

	items = realloc(res->items, (res->n_items + 1) * sizeof(*items));
	if (!items) {
		free(what);
		return -ENOMEM;
	}
	res->items = items;
	items[res->n_items++] = (struct gp_undo_item){ what, result };
	return 0;
}

/* Newest change first; each one reverted is recorded at once. */
int undo_changes(struct undo *u, struct jrun *run)
{
	_cleanup_(rec_done) struct rec rec = { 0 };
	int first = 0;

	for (size_t i = run->n; i-- > 0;) {
		struct jchange *c = &run->changes[i];
		char *what = NULL;
		int r;

		if (c->reverted)
			continue;
		if (c->kind == GP_CHANGE_COMMAND)
			r = journal_revert_command(u, c, &what);
		else if (c->kind == GP_CHANGE_REGISTRY)
			r = revert_registry(c, &what);
		else
			r = journal_revert_path(u, c, &what);
		if (what && undo_item(u->res, what, r) < 0)
			return -ENOMEM;
		/* Not revertible is final: asking again will not help. */
		if (r == 0 || r == -EOPNOTSUPP)
			r = jfile_seq(&u->jf, "reverted", c->seq, 0);
		if (r < 0 && first == 0)
			first = r;
	}
	if (first < 0)
		return first;
	rec_put(&rec, "undone", 6);
	return jfile_write(&u->jf, &rec);
}


/*
 * The run to undo: @id, or the newest that changed something and is not
 * undone.  A run may only be undone when no newer run that changed
 * something is still in place.
 */
int pick_run(const struct gp_root *root, struct jrun *runs, size_t n,
		    const char *id, struct jrun **ret)
{
	size_t k;

	*ret = NULL;
	for (k = n; k-- > 0;)
		if (id ? strcmp(runs[k].id, id) == 0
		       : !runs[k].undone && runs[k].n > 0)
			break;
	if (k == (size_t)-1) {
		struct jrun probe;
		int r;

		if (!id)
			return -ENOENT;	/* nothing left to undo */
		/* Say why it is not there: missing, or unreadable. */
		r = jrun_load(root, id, &probe);
		if (r == 0) {
			jrun_done(&probe);
			r = -EBADMSG;
		}
		return r;
	}
	*ret = &runs[k];
	if (runs[k].undone)
		return 0;
	for (size_t i = k + 1; i < n; i++)
		if (!runs[i].undone && runs[i].n > 0)
			return -EBUSY;
	return 0;
}

void undo_result_done(struct gp_undo_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_items; i++)
		free(r->items[i].what);
	free(r->items);
	free(r->run_id);
	memset(r, 0, sizeof(*r));
}

/* ---- history ----------------------------------------------------------- */

int journal_history(const struct gp_root *root, struct gp_run_info **ret,
		    size_t *ret_n)
{
	struct gp_run_info *info;
	struct jrun *runs = NULL;
	size_t n = 0;
	int r;

	r = jruns_load(root, &runs, &n);
	if (r < 0)
		return r;
	info = calloc(n ? n : 1, sizeof(*info));
	if (!info) {
		jruns_free(runs, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		info[i] = (struct gp_run_info){
			.id = TAKE_PTR(runs[i].id),
			.started = runs[i].started.tv_sec,
			.started_nsec = runs[i].started.tv_nsec,
			.version = TAKE_PTR(runs[i].version),
			.n_changes = runs[i].n,
			.complete = runs[i].complete,
			.undone = runs[i].undone,
		};
	}
	jruns_free(runs, n);
	*ret = info;
	*ret_n = n;
	return 0;
}

void run_info_free(struct gp_run_info *runs, size_t n)
{
	for (size_t i = 0; runs && i < n; i++) {
		free(runs[i].id);
		free(runs[i].version);
	}
	free(runs);
}
