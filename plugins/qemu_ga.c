/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_ga: the cloud requires the QEMU guest agent to be absent ("qemu-ga
 * cannot be installed in the image because it will impact the
 * availability of services needed by ECS").
 *
 *   qemu_ga.running    live only: a qemu-ga process; the fixer stops it.
 *   qemu_ga.enabled    whether anything starts it at boot: systemd wants
 *                      links, the udev rule that has systemd start it when
 *                      the host's virtio-serial channel appears, SysV rc
 *                      links; the fixer disables and masks it.
 *   qemu_ga.installed  its program, package, unit and init script; the
 *                      fixer removes the package, with --remove-packages
 *                      only.
 *
 * The checks are listed in the order their fixes must be applied: stop,
 * then disable and mask, then remove the package.  The package's removal
 * scripts delete links too, and the journal would refuse to remove a link
 * that is no longer what the plan saw.
 *
 * Live facts come from gp_ctx_host(ctx)->live, which the core sets from
 * gp_root_is_live(): the same answer, but one a test can set.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "guestprep/macro.h"
#include "guestprep/plugin.h"

#define PKG_NAME "qemu-guest-agent"
#define UNIT PKG_NAME ".service"
#define ETC_UNITS "/etc/systemd/system"
#define ETC_UNIT ETC_UNITS "/" UNIT
#define DPKG_STATUS "/var/lib/dpkg/status"

/* Large Debian systems have status files of a few MiB. */
#define DPKG_MAX (64u << 20)
/* rpm databases are tens to a few hundred MiB: read at most this much. */
#define RPMDB_SCAN_MAX (256ull << 20)
#define RPMDB_CHUNK (1u << 20)
#define UDEV_RULES_MAX (1u << 20)

static const char *const binaries[] = {
	"/usr/bin/qemu-ga",		/* RHEL, CentOS */
	"/usr/sbin/qemu-ga",		/* Debian, Ubuntu, SUSE */
	"/usr/local/bin/qemu-ga",	/* built from source */
};

static const char *const unit_dirs[] = {
	ETC_UNITS, "/usr/lib/systemd/system", "/lib/systemd/system",
};

/* RHEL 6 calls its script qemu-ga, Debian and Ubuntu qemu-guest-agent. */
static const char *const init_scripts[] = {
	"/etc/rc.d/init.d/qemu-ga", "/etc/init.d/qemu-ga",
	"/etc/rc.d/init.d/" PKG_NAME, "/etc/init.d/" PKG_NAME,
};

static const char *const rpm_dbs[] = {
	"/var/lib/rpm/Packages",		/* Berkeley DB: RHEL 5-8 */
	"/var/lib/rpm/rpmdb.sqlite",		/* SQLite: RHEL 9 */
	"/var/lib/rpm/Packages.db",		/* ndb: SUSE */
	"/usr/lib/sysimage/rpm/Packages",
	"/usr/lib/sysimage/rpm/rpmdb.sqlite",
	"/usr/lib/sysimage/rpm/Packages.db",
};

/* In udev's order of precedence: a file in /etc overrides its namesake. */
static const char *const udev_dirs[] = {
	"/etc/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d",
};

/* --- small helpers ------------------------------------------------- */

struct lines {
	char **v;
	size_t n;
};

static void lines_done(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){ 0 };
}

static int lines_add(struct lines *l, const char *fmt, ...) _printf_(2, 3);
static int lines_add(struct lines *l, const char *fmt, ...)
{
	char **v;
	char *s;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = s;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory order is the file system's: sort, for a stable report. */
static void lines_sort(struct lines *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

static void evidence_lines(struct gp_finding *f, const struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		gp_evidence(f, "%s", l->v[i]);
}

/*
 * Paths already looked at, by what they resolve to, so that merged /usr
 * (/lib -> usr/lib) or /etc/init.d -> rc.d/init.d is not counted twice.
 */
#define MAX_SEEN 16

struct seen {
	char *paths[MAX_SEEN];
	size_t n;
};

static void seen_done(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->paths[i]);
	s->n = 0;
}

/* 1 when @path is new (and now remembered), 0 when seen, or -ENOMEM. */
static int seen_first(const struct gp_root *root, struct seen *s,
		      const char *path)
{
	char *real = NULL;
	int r = gp_root_resolve(root, path, &real);

	if (r == -ENOMEM)
		return r;
	if (r < 0 && !(real = strdup(path)))
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->paths[i], real) == 0) {
			free(real);
			return 0;
		}
	if (s->n == MAX_SEEN) {
		free(real);
		return 1;
	}
	s->paths[s->n++] = real;
	return 1;
}

static bool is_regular(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, true, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first of @paths that is a file, or NULL. */
static const char *first_file(const struct gp_root *root,
			      const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_regular(root, paths[i]))
			return paths[i];
	return NULL;
}

static bool has_systemd(const struct gp_root *root)
{
	static const char *const inits[] = {
		"/usr/lib/systemd/systemd", "/lib/systemd/systemd",
	};

	return first_file(root, inits, ARRAY_SIZE(inits)) != NULL;
}

static const char *find_systemctl(const struct gp_root *root)
{
	static const char *const paths[] = {
		"/bin/systemctl", "/usr/bin/systemctl",
	};

	return first_file(root, paths, ARRAY_SIZE(paths));
}

/*
 * systemd treats a unit that is a link to /dev/null, or an empty file,
 * as masked: nothing can start it, not its wants links nor udev.
 */
static bool unit_masked(const struct gp_root *root)
{
	_cleanup_free_ char *target = NULL;
	struct stat st;

	if (gp_root_readlink(root, ETC_UNIT, &target) == 0)
		return strcmp(target, "/dev/null") == 0;
	return gp_root_stat(root, ETC_UNIT, false, &st) == 0 &&
	       S_ISREG(st.st_mode) && st.st_size == 0;
}

/* --- the dpkg status database -------------------------------------- */

enum dpkg_state {
	DPKG_GONE,	/* config-files, not-installed */
	DPKG_PRESENT,	/* the package's files are on disk */
	DPKG_UNKNOWN,	/* no Status, or one dpkg would refuse */
};

struct dpkg {
	int error;		/* the file could not be read: -errno */
	unsigned paragraphs;	/* that name a package */
	unsigned bad_lines;
	unsigned first_bad;
	bool ours;		/* a paragraph of the agent was seen */
	enum dpkg_state state;	/* the most telling one's */
	unsigned line;		/* where it starts */
	char status[64];	/* its Status value */
};

/* A paragraph being read. */
struct paragraph {
	bool package;		/* it has a Package field */
	bool ours;
	bool in_field;		/* continuation lines are allowed */
	bool has_status;
	unsigned line;
	char status[64];
};

/* "want flag status": the third word says whether files are on disk. */
static enum dpkg_state dpkg_judge(const struct paragraph *p)
{
	static const char *const present[] = {
		"installed", "unpacked", "half-configured", "half-installed",
		"triggers-awaited", "triggers-pending",
	};
	char want[32], flag[32], state[32], extra[2];

	if (!p->has_status ||
	    sscanf(p->status, "%31s %31s %31s %1s", want, flag, state,
		   extra) != 3)
		return DPKG_UNKNOWN;
	if (strcmp(state, "config-files") == 0 ||
	    strcmp(state, "not-installed") == 0)
		return DPKG_GONE;
	for (size_t i = 0; i < ARRAY_SIZE(present); i++)
		if (strcmp(state, present[i]) == 0)
			return DPKG_PRESENT;
	return DPKG_UNKNOWN;
}

static void paragraph_end(struct dpkg *d, struct paragraph *p)
{
	enum dpkg_state state;

	if (p->package)
		d->paragraphs++;
	if (p->ours) {
		state = dpkg_judge(p);
		/* Several (multiarch): present wins, then unknown. */
		if (!d->ours || state == DPKG_PRESENT ||
		    (state == DPKG_UNKNOWN && d->state == DPKG_GONE)) {
			d->ours = true;
			d->state = state;
			d->line = p->line;
			snprintf(d->status, sizeof(d->status), "%s",
				 p->has_status ? p->status : "(none)");
		}
	}
	*p = (struct paragraph){ 0 };
}

static void bad_line(struct dpkg *d, struct paragraph *p, unsigned lineno)
{
	if (d->bad_lines++ == 0)
		d->first_bad = lineno;
	p->in_field = false;
}

static bool field_is(const char *name, size_t len, const char *field)
{
	return len == strlen(field) && strncasecmp(name, field, len) == 0;
}

/* One "Field: value" line of @len bytes (no newline, no NUL). */
static void dpkg_field(struct dpkg *d, struct paragraph *p, const char *s,
		       size_t len, unsigned lineno)
{
	const char *colon = memchr(s, ':', len);
	const char *v, *end = s + len;

	if (!colon || colon == s) {
		bad_line(d, p, lineno);
		return;
	}
	for (const char *c = s; c < colon; c++)
		if (*c <= ' ' || *c > '~') {
			bad_line(d, p, lineno);
			return;
		}
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && strchr(" \t\r", end[-1]))
		end--;
	if (field_is(s, (size_t)(colon - s), "Package")) {
		if (p->package) {	/* dpkg refuses a repeated field */
			bad_line(d, p, lineno);
			return;
		}
		p->package = true;
		p->ours = (size_t)(end - v) == strlen(PKG_NAME) &&
			  memcmp(v, PKG_NAME, strlen(PKG_NAME)) == 0;
		p->line = lineno;
	} else if (field_is(s, (size_t)(colon - s), "Status")) {
		p->has_status = true;
		snprintf(p->status, sizeof(p->status), "%.*s",
			 (int)(end - v), v);
	}
	p->in_field = true;
}

/*
 * The status file is a series of paragraphs of "Field: value" lines
 * (deb822), continuation lines starting with a blank, paragraphs ending
 * at an empty line.  Lines that fit none of that are counted, not fatal.
 */
static void dpkg_parse(const char *text, size_t len, struct dpkg *d)
{
	struct paragraph p = { 0 };
	const char *s = text, *end = text + len;
	unsigned lineno = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);

		lineno++;
		if (memchr(s, '\0', n))
			bad_line(d, &p, lineno);
		else if (strspn(s, " \t\r") >= n)
			paragraph_end(d, &p);
		else if (s[0] == ' ' || s[0] == '\t') {
			if (!p.in_field)
				bad_line(d, &p, lineno);
		} else
			dpkg_field(d, &p, s, n, lineno);
		s = nl ? nl + 1 : end;
	}
	paragraph_end(d, &p);
}

static int dpkg_load(const struct gp_root *root, struct dpkg *d)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = gp_root_read_file(root, DPKG_STATUS, DPKG_MAX, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		d->error = r;
		return 0;
	}
	dpkg_parse(text, len, d);
	return 0;
}

/* The database exists but tells nothing: damaged, or not a status file. */
static bool dpkg_unreadable(const struct dpkg *d)
{
	return (d->error && d->error != -ENOENT) ||
	       (d->paragraphs == 0 && d->bad_lines > 0);
}

/* --- what is installed --------------------------------------------- */

struct agent {
	struct lines evidence;	/* for qemu_ga.installed */
	bool binary;
	bool unit;		/* a unit file, not the mask */
	bool masked;
	const char *script;	/* an init script that counts */
	struct dpkg dpkg;
	bool rpm;		/* the rpm database holds the name */
};

static void agent_done(struct agent *a)
{
	lines_done(&a->evidence);
}

/* Files on disk: what can actually run, or start it. */
static bool agent_files(const struct agent *a)
{
	return a->binary || a->unit || a->script;
}

static bool dpkg_lists(const struct agent *a)
{
	return a->dpkg.ours && a->dpkg.state == DPKG_PRESENT;
}

static bool agent_removed_by_dpkg(const struct agent *a)
{
	return a->dpkg.ours && a->dpkg.state == DPKG_GONE;
}

static int scan_binaries(const struct gp_root *root, struct agent *a,
			 struct seen *seen)
{
	for (size_t i = 0; i < ARRAY_SIZE(binaries); i++) {
		int r;

		if (!is_regular(root, binaries[i]))
			continue;
		r = seen_first(root, seen, binaries[i]);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		a->binary = true;
		if (lines_add(&a->evidence, "program: %s", binaries[i]) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int dpkg_evidence(struct agent *a)
{
	const struct dpkg *d = &a->dpkg;
	const char *note = d->state == DPKG_PRESENT ? "" :
			   d->state == DPKG_UNKNOWN ?
			   " (a state dpkg does not know)" :
			   strstr(d->status, "config-files") ?
			   " (removed, its configuration files remain)" :
			   " (not installed)";

	if (d->ours &&
	    lines_add(&a->evidence, "dpkg: %s:%u: Package: %s, Status: %s%s",
		      DPKG_STATUS, d->line, PKG_NAME, d->status, note) < 0)
		return -ENOMEM;
	if (d->error && d->error != -ENOENT &&
	    lines_add(&a->evidence, "dpkg: %s cannot be read: %s", DPKG_STATUS,
		      strerror(-d->error)) < 0)
		return -ENOMEM;
	if (d->bad_lines &&
	    lines_add(&a->evidence,
		      "dpkg: %s: %u line(s) are not deb822 fields, the first "
		      "is line %u", DPKG_STATUS, d->bad_lines,
		      d->first_bad) < 0)
		return -ENOMEM;
	return 0;
}

static int scan_units(const struct gp_root *root, struct agent *a,
		      struct seen *seen)
{
	a->masked = unit_masked(root);
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		_cleanup_free_ char *path = NULL;
		int r;

		if (asprintf(&path, "%s/%s", unit_dirs[i], UNIT) < 0)
			return -ENOMEM;
		if ((a->masked && strcmp(path, ETC_UNIT) == 0) ||
		    !is_regular(root, path))
			continue;
		r = seen_first(root, seen, path);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		a->unit = true;
		if (lines_add(&a->evidence, "systemd unit: %s", path) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int scan_scripts(const struct gp_root *root, struct agent *a,
			struct seen *seen)
{
	for (size_t i = 0; i < ARRAY_SIZE(init_scripts); i++) {
		const char *path = init_scripts[i];
		int r;

		if (!is_regular(root, path))
			continue;
		r = seen_first(root, seen, path);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		/* A conffile dpkg keeps after "remove": it runs nothing. */
		if (agent_removed_by_dpkg(a) && !a->binary) {
			r = lines_add(&a->evidence, "init script: %s (left "
				      "over: the package was removed)", path);
		} else {
			if (!a->script)
				a->script = path;
			r = lines_add(&a->evidence, "SysV init script: %s",
				      path);
		}
		if (r < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Everything but the rpm database, which is slow to read. */
static int scan_files(const struct gp_root *root, struct agent *a)
{
	struct seen seen = { 0 };
	int r;

	r = scan_binaries(root, a, &seen);
	if (r == 0)
		r = dpkg_load(root, &a->dpkg);
	if (r == 0)
		r = dpkg_evidence(a);
	if (r == 0)
		r = scan_units(root, a, &seen);
	if (r == 0)
		r = scan_scripts(root, a, &seen);
	seen_done(&seen);
	return r;
}

/* --- the rpm database: a presence heuristic ------------------------ */

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
	       c == '-';
}

/*
 * No library that reads rpm databases (Berkeley DB, SQLite, ndb) is
 * linked in, so this is a heuristic, not a query: rpm stores each
 * package's header in the database, and a header's strings (the package
 * name among them) are NUL-terminated.  The name counts when it stands
 * alone: not preceded by a name character ("foo-qemu-guest-agent") and
 * followed by the NUL ("qemu-guest-agent-debuginfo" does not count).
 * Pages freed by an erase may still hold an old header, and another
 * package may require the name, so a match alone is only a warning.
 *
 * Returns 1 when found, 0 when not, or a negative errno; *ret_partial
 * says only the first RPMDB_SCAN_MAX bytes were read.
 */
static int rpmdb_holds_name(const struct gp_root *root, const char *path,
			    bool *ret_partial)
{
	static const char needle[] = PKG_NAME;	/* with its NUL */
	const size_t len = sizeof(needle);
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

		if (total + want > RPMDB_SCAN_MAX)
			want = (size_t)(RPMDB_SCAN_MAX - total);
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
		     (m = memmem(p, have - (size_t)(p - buf), needle, len));
		     p = m + 1) {
			size_t off = (size_t)(m - buf);

			/* At 0 after a move: judged in the last window. */
			if (off == 0 ? !dropped : !name_char(buf[off - 1]))
				return 1;
		}
		/*
		 * Keep the tail: a match that crosses into the next chunk
		 * starts in it, with the byte before it.
		 */
		if (have > len) {
			memmove(buf, buf + have - len, len);
			have = len;
			dropped = true;
		}
	}
}

static int scan_rpm(const struct gp_root *root, struct agent *a)
{
	struct seen seen = { 0 };
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(rpm_dbs) && !a->rpm; i++) {
		const char *path = rpm_dbs[i];
		bool partial;
		struct stat st;

		if (gp_root_stat(root, path, true, &st) < 0)
			continue;
		r = seen_first(root, &seen, path);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		r = rpmdb_holds_name(root, path, &partial);
		if (r == -ENOMEM)
			break;
		if (r < 0) {
			r = lines_add(&a->evidence,
				      "rpm database: %s cannot be read: %s",
				      path, strerror(-r));
		} else if (r > 0) {
			a->rpm = true;
			r = lines_add(&a->evidence,
				      "rpm database: %s holds the name %s (a "
				      "presence heuristic on the file's bytes, "
				      "not an rpm query)", path, PKG_NAME);
		} else if (partial) {
			r = lines_add(&a->evidence,
				      "rpm database: only the first %llu MiB "
				      "of %s were searched",
				      RPMDB_SCAN_MAX >> 20, path);
		}
		if (r < 0)
			break;
	}
	seen_done(&seen);
	return r < 0 ? r : 0;
}

/* --- what starts it at boot ---------------------------------------- */

/* /etc/systemd/system/UNIT.wants/qemu-guest-agent.service and .requires. */
static int find_wants(const struct gp_root *root, struct lines *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (gp_root_opendir(root, ETC_UNITS, &d) < 0)
		return 0;
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		size_t n = strlen(de->d_name);
		struct stat st;

		if (!(n > 6 && strcmp(de->d_name + n - 6, ".wants") == 0) &&
		    !(n > 9 && strcmp(de->d_name + n - 9, ".requires") == 0))
			continue;
		if (asprintf(&path, "%s/%s/%s", ETC_UNITS, de->d_name,
			     UNIT) < 0)
			return -ENOMEM;
		if (gp_root_stat(root, path, false, &st) == 0 &&
		    lines_add(ret, "%s", path) < 0)
			return -ENOMEM;
	}
	lines_sort(ret);
	return 0;
}

/*
 * Whether udev rules have systemd start the unit: an uncommented rule
 * (continuation lines joined) that sets SYSTEMD_WANTS to it.
 */
static bool rules_start_agent(const char *text)
{
	bool wants = false, unit = false, comment = false, cont = false;

	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");

		if (!cont)
			comment = s[strspn(s, " \t")] == '#';
		if (memmem(s, n, "SYSTEMD_WANTS", 13))
			wants = true;
		if (memmem(s, n, PKG_NAME, strlen(PKG_NAME)))
			unit = true;
		cont = n > 0 && s[n - 1] == '\\';
		if (!cont) {
			if (wants && unit && !comment)
				return true;
			wants = unit = false;
		}
		s += n;
		if (*s)
			s++;
	}
	return wants && unit && !comment;
}

/* The rules file that starts the agent when its channel appears. */
static int find_udev_rule(const struct gp_root *root, char **ret)
{
	struct seen seen = { 0 };
	int r = 0;

	*ret = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(udev_dirs) && !*ret; i++) {
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;

		r = seen_first(root, &seen, udev_dirs[i]);
		if (r < 0)
			break;
		if (r == 0 || gp_root_opendir(root, udev_dirs[i], &d) < 0)
			continue;
		while (!*ret && (de = readdir(d))) {
			_cleanup_free_ char *path = NULL, *text = NULL;
			size_t n = strlen(de->d_name);
			bool overridden = false;
			struct stat st;

			if (n < 7 || strcmp(de->d_name + n - 6, ".rules") != 0)
				continue;
			for (size_t j = 0; j < i && !overridden; j++) {
				_cleanup_free_ char *o = NULL;

				if (asprintf(&o, "%s/%s", udev_dirs[j],
					     de->d_name) < 0) {
					r = -ENOMEM;
					goto out;
				}
				overridden = gp_root_stat(root, o, false,
							  &st) == 0;
			}
			if (overridden)
				continue;
			if (asprintf(&path, "%s/%s", udev_dirs[i],
				     de->d_name) < 0) {
				r = -ENOMEM;
				goto out;
			}
			r = gp_root_read_file(root, path, UDEV_RULES_MAX,
					      &text, NULL);
			if (r == -ENOMEM)
				goto out;
			if (r == 0 && rules_start_agent(text))
				*ret = TAKE_PTR(path);
		}
		r = 0;
	}
out:
	seen_done(&seen);
	return r < 0 ? r : 0;
}

/* "S01qemu-guest-agent" -> "qemu-guest-agent"; NULL if not a start link. */
static const char *start_link_script(const char *name)
{
	size_t digits;

	if (name[0] != 'S')
		return NULL;
	digits = strspn(name + 1, "0123456789");
	if (digits == 0 || digits > 3)
		return NULL;
	name += 1 + digits;
	return strcmp(name, "qemu-ga") == 0 || strcmp(name, PKG_NAME) == 0 ?
	       name : NULL;
}

/* Start links in the runlevel directory @dir (read at @real). */
static int scan_rc_dir(const struct gp_root *root, DIR *d, const char *real,
		       bool native_unit, struct lines *ret,
		       struct lines *ignored)
{
	struct dirent *de;

	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		const char *script = start_link_script(de->d_name);
		struct lines *to = ret;

		if (!script)
			continue;
		if (asprintf(&path, "%s/%s", real, de->d_name) < 0)
			return -ENOMEM;
		if (!gp_root_exists(root, path))
			continue;	/* dangling: starts nothing */
		if (native_unit && strcmp(script, PKG_NAME) == 0)
			to = ignored;
		if (lines_add(to, "%s", path) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * SysV start links (/etc/rcN.d, /etc/rc.d/rcN.d) to a script that exists.
 * Under systemd, a script with a native unit of its name is ignored:
 * such links go to @ignored, the others to @ret.  Each is named in its
 * real directory (/etc/rc3.d is a link to rc.d/rc3.d on RHEL 6).
 */
static int find_rc_links(const struct gp_root *root, bool native_unit,
			 struct lines *ret, struct lines *ignored)
{
	static const char *const layouts[] = { "/etc", "/etc/rc.d" };
	struct seen seen = { 0 };
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(layouts) * 7 && r >= 0; i++) {
		_cleanup_closedir_ DIR *d = NULL;
		_cleanup_free_ char *dir = NULL, *real = NULL;

		if (asprintf(&dir, "%s/rc%zu.d", layouts[i / 7], i % 7) < 0) {
			r = -ENOMEM;
			break;
		}
		r = seen_first(root, &seen, dir);
		if (r <= 0 || gp_root_opendir(root, dir, &d) < 0)
			continue;
		if (gp_root_resolve(root, dir, &real) < 0 &&
		    !(real = strdup(dir))) {
			r = -ENOMEM;
			break;
		}
		r = scan_rc_dir(root, d, real, native_unit, ret, ignored);
	}
	seen_done(&seen);
	lines_sort(ret);
	lines_sort(ignored);
	return r < 0 ? r : 0;
}

static int link_evidence(const struct gp_root *root, struct lines *ev,
			 const char *what, const char *path, const char *note)
{
	_cleanup_free_ char *target = NULL;

	if (gp_root_readlink(root, path, &target) == 0)
		return lines_add(ev, "%s: %s -> %s%s", what, path, target,
				 note);
	return lines_add(ev, "%s: %s%s", what, path, note);
}

/* --- qemu_ga.installed --------------------------------------------- */

struct package_manager {
	const char *path;
	const char *args[3];
};

/* The package manager command that removes the package, if known. */
static bool removal_command(const struct gp_root *root, const struct agent *a,
			    const char *argv[5])
{
	static const struct package_manager apt[] = {
		{ "/usr/bin/apt-get", { "-y", "remove", PKG_NAME } },
		{ "/usr/bin/dpkg", { "--remove", PKG_NAME } },
	}, rpm[] = {
		{ "/usr/bin/dnf", { "-y", "remove", PKG_NAME } },
		{ "/usr/bin/yum", { "-y", "remove", PKG_NAME } },
		{ "/usr/bin/zypper", { "-n", "remove", PKG_NAME } },
		{ "/usr/bin/rpm", { "-e", PKG_NAME } },
		{ "/bin/rpm", { "-e", PKG_NAME } },
	};
	const struct package_manager *list;
	size_t n;

	if (dpkg_lists(a)) {
		list = apt;
		n = ARRAY_SIZE(apt);
	} else if (a->rpm && agent_files(a)) {
		/* Only when corroborated: see rpmdb_holds_name(). */
		list = rpm;
		n = ARRAY_SIZE(rpm);
	} else {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!is_regular(root, list[i].path))
			continue;
		argv[0] = list[i].path;
		for (size_t j = 0; j < 3; j++)
			argv[j + 1] = list[i].args[j];
		argv[4] = NULL;
		return true;
	}
	return false;
}

static enum gp_status at_most(enum gp_status status, enum gp_status cap)
{
	return status < cap ? status : cap;
}

static void remedy_installed(struct gp_finding *f, struct gp_ctx *ctx,
			     const struct agent *a)
{
	const char *argv[5];
	bool packaged = dpkg_lists(a) || (a->rpm && agent_files(a));

	if (!removal_command(gp_ctx_root(ctx), a, argv)) {
		gp_remedy(f, packaged ?
			  "remove the " PKG_NAME " package with the "
			  "distribution's package manager" :
			  "remove the package that installed it (no package "
			  "database guestprep can read lists it), or delete "
			  "the qemu-ga program and its unit or init script");
		return;
	}
	gp_set_fixable(f, gp_ctx_remove_packages(ctx));
	gp_remedy(f, "remove the package (%s %s %s%s%s), or let \"guestprep "
		     "fix --remove-packages\" do it", argv[0], argv[1], argv[2],
		  argv[3] ? " " : "", argv[3] ? argv[3] : "");
}

static int check_installed(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	enum gp_status severity = gp_ctx_profile(ctx)->qemu_ga_installed;
	_cleanup_(agent_done) struct agent a = { 0 };
	struct gp_finding *f;
	int r;

	r = scan_files(root, &a);
	if (r == 0)
		r = scan_rpm(root, &a);
	if (r < 0)
		return r;

	if (agent_files(&a) || dpkg_lists(&a)) {
		f = gp_emit(ctx, "qemu_ga.installed", severity,
			    "the QEMU guest agent is installed");
		evidence_lines(f, &a.evidence);
		remedy_installed(f, ctx, &a);
	} else if (a.rpm) {
		f = gp_emit(ctx, "qemu_ga.installed",
			    at_most(severity, GP_WARN),
			    "the rpm database seems to list %s, but none of "
			    "its files are present", PKG_NAME);
		evidence_lines(f, &a.evidence);
		gp_remedy(f, "check with \"rpm -q %s\" and remove it if it is "
			     "installed", PKG_NAME);
	} else if (dpkg_unreadable(&a.dpkg) ||
		   (a.dpkg.ours && a.dpkg.state == DPKG_UNKNOWN)) {
		f = gp_emit(ctx, "qemu_ga.installed",
			    at_most(severity, GP_WARN),
			    "none of the agent's files are present, but the "
			    "dpkg status database cannot tell whether its "
			    "package is installed");
		evidence_lines(f, &a.evidence);
		gp_remedy(f, "repair %s (\"dpkg --audit\"), then check with "
			     "\"dpkg -s %s\"", DPKG_STATUS, PKG_NAME);
	} else {
		f = gp_emit(ctx, "qemu_ga.installed", GP_PASS,
			    "the QEMU guest agent is not installed");
		evidence_lines(f, &a.evidence);
	}
	return 0;
}

static int fix_installed(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(agent_done) struct agent a = { 0 };
	const char *argv[5];
	int r;

	if (!gp_ctx_remove_packages(ctx))
		return 0;
	r = scan_files(root, &a);
	if (r == 0)
		r = scan_rpm(root, &a);
	if (r < 0)
		return r;
	if (!removal_command(root, &a, argv))
		return 0;
	/* No undo: a removed package is not put back. */
	return gp_plan_command(ctx, argv, NULL, GP_CMD_IN_GUEST,
			       "remove the " PKG_NAME " package: the cloud "
			       "requires the image without it");
}

/* --- qemu_ga.enabled ----------------------------------------------- */

struct boot {
	struct lines evidence;
	struct lines wants;	/* enablement links in /etc/systemd/system */
	struct lines rc;	/* SysV start links that count */
	struct lines rc_ignored;
	char *udev;		/* the rules file that starts it */
	bool starts;		/* something starts it at boot */
};

static void boot_done(struct boot *b)
{
	lines_done(&b->evidence);
	lines_done(&b->wants);
	lines_done(&b->rc);
	lines_done(&b->rc_ignored);
	free(b->udev);
}

static int scan_boot(const struct gp_root *root, const struct agent *a,
		     struct boot *b)
{
	const char *masked = a->masked ? " (ignored: the unit is masked)" : "";
	int r;

	if (a->masked &&
	    lines_add(&b->evidence, "masked: %s -> /dev/null: systemd starts "
		      "it neither at boot nor from udev", ETC_UNIT) < 0)
		return -ENOMEM;
	r = find_wants(root, &b->wants);
	for (size_t i = 0; r == 0 && i < b->wants.n; i++)
		r = link_evidence(root, &b->evidence, "enablement link",
				  b->wants.v[i], masked);
	if (r < 0)
		return r;
	if (a->unit || a->masked) {
		r = find_udev_rule(root, &b->udev);
		if (r < 0)
			return r;
	}
	if (b->udev &&
	    lines_add(&b->evidence, "udev: %s has systemd start %s whenever "
		      "the host's virtio-serial port org.qemu.guest_agent.0 "
		      "appears%s", b->udev, UNIT, masked) < 0)
		return -ENOMEM;

	r = find_rc_links(root, has_systemd(root) && (a->unit || a->masked),
			  &b->rc, &b->rc_ignored);
	for (size_t i = 0; r == 0 && i < b->rc.n; i++)
		r = link_evidence(root, &b->evidence, "SysV start link",
				  b->rc.v[i], "");
	for (size_t i = 0; r == 0 && i < b->rc_ignored.n; i++)
		r = link_evidence(root, &b->evidence, "SysV start link",
				  b->rc_ignored.v[i],
				  " (ignored: systemd runs the native unit)");
	if (r < 0)
		return r;

	b->starts = b->rc.n > 0 ||
		    (a->unit && !a->masked && (b->wants.n > 0 || b->udev));
	return 0;
}

static int check_enabled(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(agent_done) struct agent a = { 0 };
	_cleanup_(boot_done) struct boot b = { 0 };
	struct gp_finding *f;
	int r;

	r = scan_files(root, &a);
	if (r < 0)
		return r;
	if (!agent_files(&a) && !dpkg_lists(&a)) {
		gp_emit(ctx, "qemu_ga.enabled", GP_SKIP,
			"the QEMU guest agent is not installed");
		return 0;
	}
	r = scan_boot(root, &a, &b);
	if (r < 0)
		return r;
	if (!b.starts) {
		f = gp_emit(ctx, "qemu_ga.enabled", GP_PASS,
			    a.unit || a.script ?
			    "nothing starts the QEMU guest agent at boot" :
			    "there is no unit or init script to start the "
			    "QEMU guest agent");
		evidence_lines(f, &b.evidence);
		return 0;
	}
	f = gp_emit(ctx, "qemu_ga.enabled",
		    gp_ctx_profile(ctx)->qemu_ga_installed,
		    "the QEMU guest agent would start at boot");
	evidence_lines(f, &b.evidence);
	gp_set_fixable(f, true);
	gp_remedy(f, "%s", a.unit ?
		  "systemctl disable " PKG_NAME " && systemctl mask " PKG_NAME
		  " (masking also stops udev from starting it), or remove "
		  "the package" :
		  a.script && strcmp(strrchr(a.script, '/'), "/qemu-ga") == 0 ?
		  "chkconfig qemu-ga off, or remove the package" :
		  "update-rc.d " PKG_NAME " disable, or remove the package");
	return 0;
}

static int fix_enabled(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(agent_done) struct agent a = { 0 };
	_cleanup_(boot_done) struct boot b = { 0 };
	int r;

	r = scan_files(root, &a);
	if (r == 0)
		r = scan_boot(root, &a, &b);
	for (size_t i = 0; r == 0 && i < b.wants.n; i++)
		r = gp_plan_remove(ctx, b.wants.v[i],
				   "disable " UNIT " at boot");
	if (r == 0 && a.unit)
		r = gp_plan_symlink(ctx, ETC_UNIT, "/dev/null",
				    "mask " UNIT ": neither boot nor udev "
				    "may start it");
	for (size_t i = 0; r == 0 && i < b.rc.n; i++)
		r = gp_plan_remove(ctx, b.rc.v[i],
				   "remove the SysV start link of the QEMU "
				   "guest agent");
	return r;
}

/* --- qemu_ga.running ------------------------------------------------ */

/* How to stop it on this (live) system: systemd, else its init script. */
static bool stop_command(const struct gp_root *root, const struct agent *a,
			 const char *argv[4], const char *undo[4])
{
	static const char *const services[] = {
		"/sbin/service", "/usr/sbin/service",
	};
	const char *systemctl = find_systemctl(root);
	const char *service, *name;

	if (systemctl && a->unit) {
		argv[0] = undo[0] = systemctl;
		argv[1] = "stop";
		undo[1] = "start";
		argv[2] = undo[2] = UNIT;
		argv[3] = undo[3] = NULL;
		return true;
	}
	if (!a->script)
		return false;
	service = first_file(root, services, ARRAY_SIZE(services));
	name = strrchr(a->script, '/') + 1;
	if (service) {
		argv[0] = undo[0] = service;
		argv[1] = undo[1] = name;
		argv[2] = "stop";
		undo[2] = "start";
	} else {
		argv[0] = undo[0] = a->script;
		argv[1] = "stop";
		undo[1] = "start";
		argv[2] = undo[2] = NULL;
	}
	argv[3] = undo[3] = NULL;
	return true;
}

static int check_running(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(agent_done) struct agent a = { 0 };
	_cleanup_(lines_done) struct lines pids = { 0 };
	_cleanup_closedir_ DIR *d = NULL;
	const char *argv[4], *undo[4];
	struct gp_finding *f;
	struct dirent *de;
	int r;

	if (!gp_ctx_host(ctx)->live) {
		gp_emit(ctx, "qemu_ga.running", GP_SKIP,
			"not a live system: no process to look at");
		return 0;
	}
	if (gp_root_opendir(root, "/proc", &d) < 0) {
		gp_emit(ctx, "qemu_ga.running", GP_SKIP,
			"/proc cannot be read");
		return 0;
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL, *comm = NULL;

		if (de->d_name[0] == '\0' ||
		    strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		if (asprintf(&path, "/proc/%s/comm", de->d_name) < 0)
			return -ENOMEM;
		r = gp_root_read_file(root, path, 64, &comm, NULL);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;	/* it ended meanwhile */
		comm[strcspn(comm, "\n")] = '\0';
		if (strcmp(comm, "qemu-ga") == 0 &&
		    lines_add(&pids, "%s", path) < 0)
			return -ENOMEM;
	}
	if (pids.n == 0) {
		gp_emit(ctx, "qemu_ga.running", GP_PASS,
			"no qemu-ga process is running");
		return 0;
	}
	lines_sort(&pids);
	r = scan_files(root, &a);
	if (r < 0)
		return r;
	f = gp_emit(ctx, "qemu_ga.running", GP_WARN,
		    "the QEMU guest agent is running");
	for (size_t i = 0; i < pids.n; i++)
		gp_evidence(f, "%s: qemu-ga", pids.v[i]);
	if (stop_command(root, &a, argv, undo)) {
		gp_set_fixable(f, true);
		gp_remedy(f, "stop it: %s %s %s", argv[0], argv[1],
			  argv[2] ? argv[2] : "");
	} else {
		gp_remedy(f, "stop the qemu-ga process (kill it): no unit or "
			     "init script manages it");
	}
	return 0;
}

static int fix_running(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(agent_done) struct agent a = { 0 };
	const char *argv[4], *undo[4];
	int r;

	/* Offline there is nothing to stop. */
	if (!gp_ctx_host(ctx)->live)
		return 0;
	r = scan_files(root, &a);
	if (r < 0)
		return r;
	if (!stop_command(root, &a, argv, undo))
		return 0;
	return gp_plan_command(ctx, argv, undo, GP_CMD_IN_GUEST,
			       "stop the running QEMU guest agent");
}

static const struct gp_check qemu_ga_checks[] = {
	{ .id = "qemu_ga.running",
	  .summary = "no qemu-ga process is running (live only)",
	  .run = check_running,
	  .fix = fix_running },
	{ .id = "qemu_ga.enabled",
	  .summary = "nothing starts the QEMU guest agent at boot",
	  .run = check_enabled,
	  .fix = fix_enabled },
	{ .id = "qemu_ga.installed",
	  .summary = "the QEMU guest agent is not installed",
	  .run = check_installed,
	  .fix = fix_installed },
	{ 0 },
};

const struct gp_plugin qemu_ga_plugin = {
	.name = "qemu_ga",
	.summary = "the QEMU guest agent must be absent from the image",
	.targets = GP_TARGET_LINUX,
	.checks = qemu_ga_checks,
};
