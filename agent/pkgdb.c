/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Package databases (see include/guestprep/pkgdb.h): dpkg's status file,
 * and a presence heuristic on rpm's database files.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "guestprep/macro.h"
#include "guestprep/pkgdb.h"
#include "guestprep/seen.h"
#include "util.h"

/* Large Debian systems have status files of a few MiB. */
#define DPKG_MAX (64u << 20)
/* rpm databases are tens to a few hundred MiB: read them in chunks. */
#define RPMDB_CHUNK (1u << 20)

/* --- dpkg ---------------------------------------------------------- */

/* A paragraph being read. */
struct paragraph {
	bool package;		/* it has a Package field */
	bool ours;		/* ... naming the package looked up */
	bool in_field;		/* continuation lines are allowed */
	unsigned line;		/* of the Package field */
	char *status;
	char *version;
};

struct dpkg_parse {
	const char *package;
	struct gp_dpkg_entry *e;
	struct paragraph p;
	bool found;
	bool nomem;
	unsigned lineno;
};

static void paragraph_reset(struct paragraph *p)
{
	free(p->status);
	free(p->version);
	*p = (struct paragraph){ 0 };
}

/* "want flag state": the third word says whether files are on disk. */
static enum gp_dpkg_state dpkg_judge(const char *status)
{
	static const struct {
		const char *word;
		enum gp_dpkg_state state;
	} states[] = {
		{ "installed", GP_DPKG_INSTALLED },
		{ "triggers-awaited", GP_DPKG_INSTALLED },
		{ "triggers-pending", GP_DPKG_INSTALLED },
		{ "unpacked", GP_DPKG_PARTIAL },
		{ "half-configured", GP_DPKG_PARTIAL },
		{ "half-installed", GP_DPKG_PARTIAL },
		{ "config-files", GP_DPKG_REMOVED },
		{ "not-installed", GP_DPKG_REMOVED },
	};
	const char *word = NULL, *s = status;
	size_t len = 0;
	unsigned words = 0;

	if (!status)
		return GP_DPKG_UNKNOWN;
	for (;;) {
		s += strspn(s, " \t");
		if (!*s)
			break;
		word = s;
		len = strcspn(s, " \t");
		s += len;
		words++;
	}
	if (words != 3)
		return GP_DPKG_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (strlen(states[i].word) == len &&
		    strncmp(word, states[i].word, len) == 0)
			return states[i].state;
	return GP_DPKG_UNKNOWN;
}

/* How much a state says the package is there: the highest one counts. */
static int presence(enum gp_dpkg_state state)
{
	switch (state) {
	case GP_DPKG_INSTALLED:
		return 4;
	case GP_DPKG_PARTIAL:
		return 3;
	case GP_DPKG_UNKNOWN:
		return 2;
	case GP_DPKG_REMOVED:
		return 1;
	default:
		return 0;
	}
}

static void paragraph_end(struct dpkg_parse *d)
{
	struct paragraph *p = &d->p;
	struct gp_dpkg_entry *e = d->e;
	enum gp_dpkg_state state;

	if (p->package)
		e->paragraphs++;
	if (p->ours) {
		state = dpkg_judge(p->status);
		if (!d->found || presence(state) > presence(e->state)) {
			d->found = true;
			e->state = state;
			e->line = p->line;
			free(e->status);
			free(e->version);
			e->status = TAKE_PTR(p->status);
			e->version = TAKE_PTR(p->version);
		}
	}
	paragraph_reset(p);
}

static void bad_line(struct dpkg_parse *d)
{
	if (d->e->bad_lines++ == 0)
		d->e->first_bad_line = d->lineno;
	d->p.in_field = false;
}

static bool field_is(const char *name, size_t len, const char *field)
{
	return len == strlen(field) && strncasecmp(name, field, len) == 0;
}

/* Replace *@to with the @len bytes at @s. */
static void set_value(struct dpkg_parse *d, char **to, const char *s,
		      size_t len)
{
	char *v = strndup(s, len);

	if (!v) {
		d->nomem = true;
		return;
	}
	free(*to);
	*to = v;
}

/* One "Field: value" line of @len bytes (no newline, no NUL). */
static void dpkg_field(struct dpkg_parse *d, const char *s, size_t len)
{
	struct paragraph *p = &d->p;
	const char *colon = memchr(s, ':', len);
	const char *v, *end = s + len;
	size_t name_len;

	if (!colon || colon == s) {
		bad_line(d);
		return;
	}
	for (const char *c = s; c < colon; c++)
		if (*c <= ' ' || *c > '~') {
			bad_line(d);
			return;
		}
	name_len = (size_t)(colon - s);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && strchr(" \t\r", end[-1]))
		end--;
	if (field_is(s, name_len, "Package")) {
		if (p->package) {	/* dpkg refuses a repeated field */
			bad_line(d);
			return;
		}
		p->package = true;
		p->ours = (size_t)(end - v) == strlen(d->package) &&
			  memcmp(v, d->package, (size_t)(end - v)) == 0;
		p->line = d->lineno;
	} else if (field_is(s, name_len, "Status")) {
		set_value(d, &p->status, v, (size_t)(end - v));
	} else if (field_is(s, name_len, "Version")) {
		set_value(d, &p->version, v, (size_t)(end - v));
	}
	p->in_field = true;
}

/* One line of @n bytes, without its newline. */
static void dpkg_line(struct dpkg_parse *d, const char *s, size_t n)
{
	d->lineno++;
	if (memchr(s, '\0', n))
		bad_line(d);
	else if (strspn(s, " \t\r") >= n)
		paragraph_end(d);
	else if (s[0] == ' ' || s[0] == '\t') {
		if (!d->p.in_field)
			bad_line(d);
	} else {
		dpkg_field(d, s, n);
	}
}

/* Read the status file a line at a time: it runs to megabytes. */
static int dpkg_read(FILE *f, struct dpkg_parse *d)
{
	_cleanup_free_ char *line = NULL;
	size_t size = 0, total = 0;
	ssize_t n;

	errno = 0;
	while ((n = getline(&line, &size, f)) > 0) {
		total += (size_t)n;
		if (total > DPKG_MAX)
			return -EFBIG;	/* it grew while being read */
		if (line[n - 1] == '\n')
			n--;
		dpkg_line(d, line, (size_t)n);
		if (d->nomem)
			return -ENOMEM;
		errno = 0;
	}
	if (!feof(f))
		return errno == ENOMEM ? -ENOMEM : -EIO;
	paragraph_end(d);
	return d->nomem ? -ENOMEM : 0;
}

int gp_dpkg_lookup(const struct gp_root *root, const char *package,
		   struct gp_dpkg_entry *ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	struct gp_dpkg_entry e = { 0 };
	struct dpkg_parse d = { .package = package, .e = &e };
	struct stat st;
	int r;

	r = gp_root_fopen(root, GP_DPKG_STATUS, &f);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && fstat(fileno(f), &st) == 0 && st.st_size > DPKG_MAX)
		r = -EFBIG;
	if (r == 0)
		r = dpkg_read(f, &d);
	paragraph_reset(&d.p);
	if (r < 0) {
		/* What was read of a file that failed does not count. */
		gp_dpkg_entry_done(&e);
		if (r == -ENOMEM)
			return r;
		e.error = r;
	}
	*ret = e;
	return 0;
}

void gp_dpkg_entry_done(struct gp_dpkg_entry *e)
{
	free(e->status);
	free(e->version);
	*e = (struct gp_dpkg_entry){ 0 };
}

bool gp_dpkg_on_disk(enum gp_dpkg_state state)
{
	return state == GP_DPKG_INSTALLED || state == GP_DPKG_PARTIAL;
}

bool gp_dpkg_unreadable(const struct gp_dpkg_entry *e)
{
	return (e->error && e->error != -ENOENT) ||
	       (e->paragraphs == 0 && e->bad_lines > 0);
}

/* --- rpm ----------------------------------------------------------- */

/* Where rpm keeps its database, by format and age. */
static const char *const rpm_dbs[] = {
	"/var/lib/rpm/Packages",		/* Berkeley DB: RHEL 5-8 */
	"/var/lib/rpm/rpmdb.sqlite",		/* SQLite: RHEL 9 */
	"/var/lib/rpm/Packages.db",		/* ndb: SUSE */
	"/usr/lib/sysimage/rpm/Packages",
	"/usr/lib/sysimage/rpm/rpmdb.sqlite",
	"/usr/lib/sysimage/rpm/Packages.db",
};

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
	       c == '-';
}

/*
 * 1 when the file holds @name as a header string, 0 when not, or a
 * negative errno; *ret_partial says only GP_RPMDB_SCAN_MAX bytes were
 * read.  The file is read in chunks, keeping the tail of each so that a
 * name across a boundary is seen with the byte before it.
 */
static int rpmdb_holds_name(const struct gp_root *root, const char *path,
			    const char *name, bool *ret_partial)
{
	const size_t len = strlen(name) + 1;	/* with its NUL */
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ unsigned char *buf = NULL;
	uint64_t total = 0;
	bool dropped = false;
	size_t have = 0;
	int r;

	*ret_partial = false;
	r = gp_root_fopen(root, path, &f);
	if (r < 0)
		return r;
	buf = malloc(RPMDB_CHUNK + len);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t want = RPMDB_CHUNK, n;
		const unsigned char *m;

		if (total + want > GP_RPMDB_SCAN_MAX)
			want = (size_t)(GP_RPMDB_SCAN_MAX - total);
		if (want == 0) {
			*ret_partial = fgetc(f) != EOF;
			return 0;
		}
		n = fread(buf + have, 1, want, f);
		if (n == 0)
			return ferror(f) ? -EIO : 0;
		total += n;
		have += n;
		for (const unsigned char *p = buf;
		     (m = memmem(p, have - (size_t)(p - buf), name, len));
		     p = m + 1) {
			size_t off = (size_t)(m - buf);

			/* At 0 after a move: judged in the last window. */
			if (off == 0 ? !dropped : !name_char(buf[off - 1]))
				return 1;
		}
		if (have > len) {
			memmove(buf, buf + have - len, len);
			have = len;
			dropped = true;
		}
	}
}

static int rpmdb_add(struct gp_rpmdb *db, const char *path,
		     struct gp_rpmdb_file **ret)
{
	struct gp_rpmdb_file *v;

	v = realloc(db->files, (db->n_files + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	db->files = v;
	v[db->n_files] = (struct gp_rpmdb_file){ .path = strdup(path) };
	if (!v[db->n_files].path)
		return -ENOMEM;
	*ret = &v[db->n_files++];
	return 0;
}

static int rpmdb_scan(const struct gp_root *root, const char *name,
		      struct gp_rpmdb *db)
{
	_cleanup_(strv_freep) char **seen = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(rpm_dbs) && !db->found; i++) {
		struct gp_rpmdb_file *file;
		struct stat st;
		int r;

		if (gp_root_stat(root, rpm_dbs[i], true, &st) < 0)
			continue;
		/* RHEL 9 links /var/lib/rpm to /usr/lib/sysimage/rpm. */
		r = gp_seen_first(root, &seen, rpm_dbs[i]);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		r = rpmdb_add(db, rpm_dbs[i], &file);
		if (r < 0)
			return r;
		r = rpmdb_holds_name(root, rpm_dbs[i], name, &file->partial);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			file->error = r;
		else
			db->found = file->found = r > 0;
	}
	return 0;
}

int gp_rpmdb_lookup(const struct gp_root *root, const char *name,
		    struct gp_rpmdb *ret)
{
	struct gp_rpmdb db = { 0 };
	int r;

	r = rpmdb_scan(root, name, &db);
	if (r < 0) {
		gp_rpmdb_done(&db);
		return r;
	}
	*ret = db;
	return 0;
}

void gp_rpmdb_done(struct gp_rpmdb *db)
{
	for (size_t i = 0; i < db->n_files; i++)
		free(db->files[i].path);
	free(db->files);
	*db = (struct gp_rpmdb){ 0 };
}
