/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Services (include/guestprep/service.h): whether something starts a
 * daemon at the next boot, from the files alone.
 *
 * The init system decides which mechanisms count.  Under systemd a unit
 * file wins: the first NAME.service in the unit path is the unit (a link
 * to /dev/null or an empty file masks it, a link to another unit file is
 * an alias of that unit), and links in *.wants and *.requires directories
 * or an enabled NAME.socket start it.  Without a native unit,
 * systemd-sysv-generator turns /etc/init.d/NAME and its rc2-5 start
 * links into one.  Under upstart a job in /etc/init wins over the SysV
 * script (Ubuntu's scripts step aside for the job); under SysV only the
 * start links of the default runlevel (and rcS.d) count.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guestprep/macro.h"
#include "guestprep/profile.h"
#include "guestprep/seen.h"
#include "guestprep/service.h"
#include "util.h"

#define ETC_UNITS "/etc/systemd/system"
/* A unit file or job larger than this is not one. */
#define UNIT_MAX (1u << 20)
/* A hostile tree's directories are not read to the end. */
#define MAX_DIR_ENTRIES 4096
/* Alias links pointing to aliases: systemd gives up too. */
#define MAX_ALIAS_DEPTH 8

/* In systemd's order for the system manager; /run is gone offline. */
static const char *const unit_dirs[] = {
	ETC_UNITS,
	"/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system",
	"/lib/systemd/system",
};

/* RHEL's own name first: /etc/init.d is a link to it there. */
static const char *const script_dirs[] = {
	"/etc/rc.d/init.d",	/* RHEL */
	"/etc/init.d",		/* Debian, SUSE */
};

/* Where runlevel directories live: /etc/rc3.d, /etc/rc.d/rc3.d (RHEL),
 * /etc/init.d/rc3.d (SUSE before systemd). */
static const char *const rc_layouts[] = { "/etc", "/etc/rc.d", "/etc/init.d" };
static const char rc_levels[] = "0123456S";

/* Targets a boot does not reach: their wants start nothing at boot. */
static const char *const not_at_boot[] = {
	"rescue.target", "emergency.target", "shutdown.target",
	"halt.target", "poweroff.target", "reboot.target", "kexec.target",
	"soft-reboot.target", "final.target", "umount.target", "exit.target",
	"ctrl-alt-del.target", "sleep.target", "suspend.target",
	"hibernate.target", "hybrid-sleep.target",
	"suspend-then-hibernate.target", "system-update.target",
	"initrd.target", "initrd-fs.target", "initrd-root-fs.target",
	"initrd-root-device.target", "initrd-usr-fs.target",
	"initrd-switch-root.target",
};

/* --- small helpers ------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* --- the init system ----------------------------------------------- */

static bool names_systemd(const char *path)
{
	return strcmp(base_name(path), "systemd") == 0;
}

enum gp_init_system gp_service_init_system(const struct gp_root *root)
{
	static const char *const systemd_bins[] = {
		"/usr/lib/systemd/systemd", "/lib/systemd/systemd",
	};
	_cleanup_free_ char *real = NULL, *target = NULL;
	struct stat st;

	if (gp_root_stat(root, "/sbin/init", false, &st) == 0) {
		if (gp_root_resolve(root, "/sbin/init", &real) == 0 &&
		    names_systemd(real))
			return GP_INIT_SYSTEMD;
		/* A dangling link into systemd still says what boots. */
		if (gp_root_readlink(root, "/sbin/init", &target) == 0 &&
		    names_systemd(target))
			return GP_INIT_SYSTEMD;
		if (gp_root_exists(root, "/sbin/initctl"))
			return GP_INIT_UPSTART;
		return GP_INIT_SYSV;
	}
	for (size_t i = 0; i < ARRAY_SIZE(systemd_bins); i++)
		if (gp_root_is_file(root, systemd_bins[i]))
			return GP_INIT_SYSTEMD;
	if (gp_root_exists(root, "/sbin/initctl"))
		return GP_INIT_UPSTART;
	if (gp_root_exists(root, "/etc/inittab"))
		return GP_INIT_SYSV;
	return GP_INIT_UNKNOWN;
}

const char *gp_init_system_name(enum gp_init_system init)
{
	static const char *const names[] = {
		"unknown", "systemd", "upstart", "sysv",
	};

	return (size_t)init < ARRAY_SIZE(names) ? names[init] : "unknown";
}

/* --- unit files ---------------------------------------------------- */

void gp_unit_install_done(struct gp_unit_install *u)
{
	strv_free(u->wanted_by);
	strv_free(u->required_by);
	strv_free(u->alias);
	*u = (struct gp_unit_install){ 0 };
}

/* Split a value of blank-separated names into @v (no duplicates). */
static int add_words(char ***v, const char *value)
{
	while (*value) {
		size_t n = strcspn(value, " \t");
		_cleanup_free_ char *w = NULL;
		int r;

		if (n > 0) {
			w = strndup(value, n);
			if (!w)
				return -ENOMEM;
			r = strv_push_unique(v, w);
			if (r < 0)
				return r;
		}
		value += n;
		value += strspn(value, " \t");
	}
	return 0;
}

static int install_line(struct gp_unit_install *u, char *line)
{
	char *eq = strchr(line, '='), *key, *value;
	char ***list;

	if (!eq)
		return 0;	/* systemd warns and goes on */
	*eq = '\0';
	key = strstrip(line);
	value = strstrip(eq + 1);
	if (strcmp(key, "WantedBy") == 0)
		list = &u->wanted_by;
	else if (strcmp(key, "RequiredBy") == 0)
		list = &u->required_by;
	else if (strcmp(key, "Alias") == 0)
		list = &u->alias;
	else
		return 0;
	/* An empty assignment resets the list, as in systemd. */
	if (!*value) {
		strv_free(*list);
		*list = NULL;
		return 0;
	}
	return add_words(list, value);
}

static int parse_install(char *text, struct gp_unit_install *u)
{
	bool install = false;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int r;

		line = strstrip(line);
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			install = strcmp(line, "[Install]") == 0;
			continue;
		}
		if (!install)
			continue;
		r = install_line(u, line);
		if (r < 0)
			return r;
	}
	return 0;
}

static int strv_ensure(char ***v)
{
	if (!*v)
		*v = calloc(1, sizeof(**v));
	return *v ? 0 : -ENOMEM;
}

int gp_unit_read_install(const struct gp_root *root, const char *path,
			 struct gp_unit_install *ret)
{
	_cleanup_(gp_unit_install_done) struct gp_unit_install u = { 0 };
	_cleanup_free_ char *text = NULL;
	int r;

	r = gp_root_read_file(root, path, UNIT_MAX, &text, NULL);
	if (r < 0)
		return r;
	r = parse_install(text, &u);
	if (r == 0)
		r = strv_ensure(&u.wanted_by);
	if (r == 0)
		r = strv_ensure(&u.required_by);
	if (r == 0)
		r = strv_ensure(&u.alias);
	if (r < 0)
		return r;
	*ret = u;
	/* cppcheck-suppress unreadVariable ; gp_unit_install_done() reads it */
	u = (struct gp_unit_install){ 0 };
	return 0;
}

/* --- finding a unit ------------------------------------------------ */

void gp_unit_done(struct gp_unit *u)
{
	free(u->path);
	free(u->name);
	strv_free(u->names);
	*u = (struct gp_unit){ 0 };
}

/*
 * What @path is to systemd: a mask (a link to /dev/null, an empty file),
 * a unit file, or nothing (missing, dangling, a directory).  *ret_alias
 * gets the other unit a link names, when it names one of the same type.
 */
static int classify(const struct gp_root *root, const char *path,
		    const char *unit, enum gp_unit_kind *ret_kind,
		    char **ret_alias)
{
	_cleanup_free_ char *target = NULL;
	const char *suffix = strrchr(unit, '.');
	struct stat st;
	int r;

	*ret_kind = GP_UNIT_NONE;
	*ret_alias = NULL;
	if (gp_root_stat(root, path, false, &st) < 0)
		return 0;
	if (S_ISLNK(st.st_mode)) {
		r = gp_root_readlink(root, path, &target);
		if (r == -ENOMEM)
			return r;
		if (r == 0 && strcmp(target, "/dev/null") == 0) {
			*ret_kind = GP_UNIT_MASKED;
			return 0;
		}
		if (gp_root_stat(root, path, true, &st) < 0)
			return 0;	/* dangling: systemd looks further */
		if (r == 0 && strcmp(base_name(target), unit) != 0 && suffix &&
		    endswith(target, suffix)) {
			*ret_alias = strdup(base_name(target));
			if (!*ret_alias)
				return -ENOMEM;
		}
	}
	if (S_ISCHR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size == 0))
		*ret_kind = GP_UNIT_MASKED;
	else if (S_ISREG(st.st_mode))
		*ret_kind = GP_UNIT_FILE;
	return 0;
}

/* The first @unit in the unit path, following alias links. */
static int find_unit(const struct gp_root *root, const char *unit,
		     unsigned depth, struct gp_unit *ret)
{
	int r = strv_push_unique(&ret->names, unit);

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		_cleanup_free_ char *path = NULL, *alias = NULL;
		enum gp_unit_kind kind;

		path = strprintf("%s/%s", unit_dirs[i], unit);
		if (!path)
			return -ENOMEM;
		r = classify(root, path, unit, &kind, &alias);
		if (r < 0)
			return r;
		if (kind == GP_UNIT_NONE)
			continue;
		if (alias && depth < MAX_ALIAS_DEPTH &&
		    !gp_strv_contains(ret->names, alias))
			return find_unit(root, alias, depth + 1, ret);
		ret->kind = kind;
		ret->path = TAKE_PTR(path);
		ret->name = strdup(unit);
		return ret->name ? 0 : -ENOMEM;
	}
	return 0;
}

/* The unit file under a mask, for unit_path: the first after @mask. */
static int find_under_mask(const struct gp_root *root, const char *unit,
			   const char *mask, char **ret)
{
	bool after = false;

	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		_cleanup_free_ char *path = NULL;

		path = strprintf("%s/%s", unit_dirs[i], unit);
		if (!path)
			return -ENOMEM;
		if (strcmp(path, mask) == 0) {
			after = true;
			continue;
		}
		if (after && gp_root_is_file(root, path)) {
			struct stat st;

			if (gp_root_stat(root, path, true, &st) == 0 &&
			    st.st_size > 0) {
				*ret = TAKE_PTR(path);
				return 0;
			}
		}
	}
	return 0;
}

/* The name of the unit the default target is (graphical.target). */
static int default_target(const struct gp_root *root, char **ret)
{
	_cleanup_(gp_unit_done) struct gp_unit h = { 0 };
	int r = find_unit(root, "default.target", 0, &h);

	if (r < 0)
		return r;
	*ret = strdup(h.kind == GP_UNIT_FILE && strcmp(h.name, "default.target") ?
		      h.name : "graphical.target");
	return *ret ? 0 : -ENOMEM;
}

/*
 * Why links in the directory @dir ("multi-user.target.wants") start
 * nothing at boot, or NULL when they do.  Links in the wants of another
 * service count: that service is usually started at boot itself.
 */
static const char *wants_dir_ignored(const char *dir, const char *deftarget)
{
	size_t n = strlen(dir) - (endswith(dir, ".wants") ? 6 : 9);

	for (size_t i = 0; i < ARRAY_SIZE(not_at_boot); i++)
		if (strlen(not_at_boot[i]) == n &&
		    strncmp(dir, not_at_boot[i], n) == 0)
			return "a target not reached at boot";
	if (n == strlen("graphical.target") &&
	    strncmp(dir, "graphical.target", n) == 0 &&
	    strcmp(deftarget, "graphical.target") != 0)
		return "graphical.target is not the default target";
	return NULL;
}

/* Whether the directory "X.wants" or "X.requires" belongs to one of @units. */
static bool owned_by(const char *dir, char *const *units)
{
	size_t n = strlen(dir) - (endswith(dir, ".wants") ? 6 : 9);

	for (size_t i = 0; units && units[i]; i++)
		if (strlen(units[i]) == n && strncmp(dir, units[i], n) == 0)
			return true;
	return false;
}

/*
 * Links named @unit in the *.wants and *.requires directories of the
 * unit path: those reached at boot to @enabled, the others (and all of
 * them when @masked) to @ignored as "PATH (why)".
 */
static int find_wants(const struct gp_root *root, const char *unit,
		      const char *deftarget, const char *masked,
		      char *const *self, char ***enabled, char ***ignored)
{
	_cleanup_(strv_freep) char **seen = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;
		unsigned entries = 0;

		r = gp_seen_first(root, &seen, unit_dirs[i]);
		if (r < 0)
			return r;
		if (r == 0 || gp_root_opendir(root, unit_dirs[i], &d) < 0)
			continue;
		while ((de = readdir(d)) && entries++ < MAX_DIR_ENTRIES) {
			_cleanup_free_ char *path = NULL;
			const char *why;
			struct stat st;

			if (!endswith(de->d_name, ".wants") &&
			    !endswith(de->d_name, ".requires"))
				continue;
			/* ssh.service.requires/ssh.socket: its own need. */
			if (owned_by(de->d_name, self))
				continue;
			path = strprintf("%s/%s/%s", unit_dirs[i], de->d_name,
					 unit);
			if (!path)
				return -ENOMEM;
			if (gp_root_stat(root, path, false, &st) < 0)
				continue;
			why = masked ? masked :
			      wants_dir_ignored(de->d_name, deftarget);
			r = why ? strv_pushf(ignored, "%s (%s)", path, why) :
				  strv_push(enabled, path);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* --- SysV ---------------------------------------------------------- */

/* The init script @name, or NULL. */
static int find_script(const struct gp_root *root, const char *name,
		       char **ret)
{
	*ret = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(script_dirs); i++) {
		_cleanup_free_ char *path = NULL;

		path = strprintf("%s/%s", script_dirs[i], name);
		if (!path)
			return -ENOMEM;
		if (gp_root_is_file(root, path)) {
			*ret = TAKE_PTR(path);
			return 0;
		}
	}
	return 0;
}

/* "S55sshd" starts "sshd". */
static bool is_start_link(const char *entry, const char *name)
{
	size_t digits;

	if (entry[0] != 'S')
		return false;
	digits = strspn(entry + 1, "0123456789");
	return digits >= 1 && digits <= 3 &&
	       strcmp(entry + 1 + digits, name) == 0;
}

/* The runlevel "id:3:initdefault:" in /etc/inittab names, or 0. */
static char inittab_default(const char *text)
{
	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");
		char a[8], level[8], action[16];

		if (sscanf(s, "%7[^:\n]:%7[^:\n]:%15[^:\n]:", a, level,
			   action) == 3 &&
		    strcmp(action, "initdefault") == 0 && s[0] != '#' &&
		    strlen(level) == 1 && strchr("0123456", level[0]))
			return level[0];
		s += n;
		if (*s)
			s++;
	}
	return 0;
}

/* Ubuntu's upstart: "env DEFAULT_RUNLEVEL=2" in rc-sysinit.conf. */
static char upstart_default(const char *text)
{
	const char *p = strstr(text, "DEFAULT_RUNLEVEL=");

	if (!p)
		return 0;
	p += strlen("DEFAULT_RUNLEVEL=");
	return *p && strchr("0123456", *p) ? *p : 0;
}

/*
 * The runlevel directories whose start links run at boot: rc2-5 under
 * systemd (what systemd-sysv-generator reads), else rcS and the default
 * runlevel of /etc/inittab (or upstart's rc-sysinit.conf), or rc2-5
 * when neither says.
 */
static int boot_levels(const struct gp_root *root, enum gp_init_system init,
		       char ret[8])
{
	_cleanup_free_ char *inittab = NULL, *sysinit = NULL;
	char level = 0;
	int r;

	/* A constant that fits ret[8]. */
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy) */
	strcpy(ret, "2345");
	if (init == GP_INIT_SYSTEMD)
		return 0;
	r = gp_root_read_file(root, "/etc/inittab", UNIT_MAX, &inittab, NULL);
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		level = inittab_default(inittab);
	if (!level) {
		r = gp_root_read_file(root, "/etc/init/rc-sysinit.conf",
				      UNIT_MAX, &sysinit, NULL);
		if (r == -ENOMEM)
			return r;
		if (r == 0)
			level = upstart_default(sysinit);
	}
	if (level)
		snprintf(ret, 8, "S%c", level);
	else
		/* A constant that fits ret[8]. */
		/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy) */
		strcpy(ret, "S2345");
	return 0;
}

/*
 * Start links of the script @name in every runlevel directory: those of
 * @levels to @enabled, the others to @ignored; all to @ignored with
 * @overridden as the reason when something else runs the service.
 */
static int find_rc_links(const struct gp_root *root, const char *name,
			 const char *levels, const char *overridden,
			 char ***enabled, char ***ignored)
{
	_cleanup_(strv_freep) char **seen = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(rc_layouts); i++) {
		for (const char *l = rc_levels; *l; l++) {
			_cleanup_closedir_ DIR *d = NULL;
			_cleanup_free_ char *dir = NULL, *real = NULL;
			struct dirent *de;
			unsigned entries = 0;

			dir = strprintf("%s/rc%c.d", rc_layouts[i], *l);
			if (!dir)
				return -ENOMEM;
			r = gp_seen_first(root, &seen, dir);
			if (r < 0)
				return r;
			if (r == 0 || gp_root_opendir(root, dir, &d) < 0)
				continue;
			/* Named where it is: /etc/rc.d/rc3.d on RHEL. */
			r = gp_root_resolve(root, dir, &real);
			if (r == -ENOMEM)
				return r;
			while ((de = readdir(d)) &&
			       entries++ < MAX_DIR_ENTRIES) {
				_cleanup_free_ char *path = NULL;

				if (!is_start_link(de->d_name, name))
					continue;
				path = strprintf("%s/%s", real ? real : dir,
						 de->d_name);
				if (!path)
					return -ENOMEM;
				if (!gp_root_exists(root, path))
					r = strv_pushf(ignored, "%s (%s)", path,
						       "points to no script");
				else if (overridden)
					r = strv_pushf(ignored, "%s (%s)", path,
						       overridden);
				else if (!strchr(levels, *l))
					r = strv_pushf(ignored,
						       "%s (runlevel %c is "
						       "not entered at boot)",
						       path, *l);
				else
					r = strv_push(enabled, path);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

/* --- upstart ------------------------------------------------------- */

struct job {
	bool start_on;
	bool manual;
};

/* The stanzas that matter: "start on ..." and "manual". */
static void job_parse(const char *text, struct job *j)
{
	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");
		const char *w = s + strspn(s, " \t");

		if (strncmp(w, "manual", 6) == 0 &&
		    (w[6] == '\0' || strchr(" \t\r\n#", w[6]))) {
			j->manual = true;
		} else if (strncmp(w, "start", 5) == 0 &&
			   (w[5] == ' ' || w[5] == '\t')) {
			w += 5 + strspn(w + 5, " \t");
			if (strncmp(w, "on", 2) == 0 &&
			    (w[2] == ' ' || w[2] == '\t'))
				j->start_on = true;
		}
		s += n;
		if (*s)
			s++;
	}
}

/* 1 and @ret filled when /etc/init/@name.conf exists, else 0. */
static int find_job(const struct gp_root *root, const char *name,
		    char **ret_path, bool *ret_enabled, char **ret_override)
{
	_cleanup_free_ char *conf = NULL, *over = NULL, *text = NULL;
	struct job j = { 0 };
	int r;

	conf = strprintf("/etc/init/%s.conf", name);
	over = strprintf("/etc/init/%s.override", name);
	if (!conf || !over)
		return -ENOMEM;
	r = gp_root_read_file(root, conf, UNIT_MAX, &text, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	job_parse(text, &j);
	free(text);
	text = NULL;
	r = gp_root_read_file(root, over, UNIT_MAX, &text, NULL);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		struct job o = { 0 };

		job_parse(text, &o);
		j.manual = j.manual || o.manual;
		j.start_on = j.start_on || o.start_on;
		if (o.manual)
			*ret_override = TAKE_PTR(over);
	}
	*ret_enabled = j.start_on && !j.manual;
	*ret_path = TAKE_PTR(conf);
	return 1;
}

/* --- the lookup ---------------------------------------------------- */

static int set_str(char **field, const char *s)
{
	free(*field);
	*field = s ? strdup(s) : NULL;
	return !s || *field ? 0 : -ENOMEM;
}

/* A unit ".service" name to its service name ("ssh.service" -> "ssh"). */
static char *service_of(const char *unit)
{
	size_t n = strlen(unit);

	return endswith(unit, ".service") ? strndup(unit, n - 8) : strdup(unit);
}

/* NAME.socket enabled the same way starts the service on demand. */
static int add_sockets(const struct gp_root *root, struct gp_service *s,
		       const char *deftarget)
{
	char **names = s->aliases;

	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_(gp_unit_done) struct gp_unit h = { 0 };
		_cleanup_free_ char *base = service_of(names[i]);
		_cleanup_free_ char *socket = NULL, *why = NULL;
		int r;

		if (!base)
			return -ENOMEM;
		socket = strprintf("%s.socket", base);
		if (!socket)
			return -ENOMEM;
		r = find_unit(root, socket, 0, &h);
		if (r < 0)
			return r;
		if (h.kind == GP_UNIT_NONE)
			continue;
		if (h.kind == GP_UNIT_MASKED) {
			why = strprintf("%s is masked by %s", h.name, h.path);
			if (!why)
				return -ENOMEM;
		}
		for (size_t j = 0; h.names[j]; j++) {
			r = find_wants(root, h.names[j], deftarget, why,
				       s->aliases, &s->enabled_by,
				       &s->ignored);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Alias= names of the unit file: other names wants links may use. */
static int add_install_aliases(const struct gp_root *root,
			       struct gp_service *s)
{
	_cleanup_(gp_unit_install_done) struct gp_unit_install u = { 0 };
	int r = gp_unit_read_install(root, s->unit_path, &u);

	if (r == -ENOMEM)
		return r;
	for (size_t i = 0; r == 0 && u.alias[i]; i++)
		if (endswith(u.alias[i], ".service"))
			r = strv_push_unique(&s->aliases, u.alias[i]);
	return r == -ENOMEM ? r : 0;
}

/* A native systemd unit (or its mask) was found as @h. */
static int lookup_unit(const struct gp_root *root, struct gp_service *s,
		       struct gp_unit *h)
{
	_cleanup_free_ char *deftarget = NULL, *service = NULL;
	_cleanup_free_ char *masked = NULL;
	int r;

	service = service_of(h->name);
	r = service ? set_str(&s->unit, h->name) : -ENOMEM;
	if (r < 0)
		return r;
	for (size_t i = 0; h->names[i]; i++) {
		r = strv_push_unique(&s->aliases, h->names[i]);
		if (r < 0)
			return r;
	}
	if (h->kind == GP_UNIT_MASKED) {
		s->state = GP_SERVICE_MASKED;
		s->masked_by = TAKE_PTR(h->path);
		masked = strprintf("%s is masked", h->name);
		r = masked ? find_under_mask(root, h->name, s->masked_by,
					     &s->unit_path) : -ENOMEM;
		if (r == 0 && !s->unit_path)
			r = find_script(root, service, &s->unit_path);
	} else {
		s->unit_path = TAKE_PTR(h->path);
		r = add_install_aliases(root, s);
	}
	if (r == 0)
		r = default_target(root, &deftarget);
	for (size_t i = 0; r == 0 && s->aliases && s->aliases[i]; i++)
		r = find_wants(root, s->aliases[i], deftarget, masked,
			       s->aliases, &s->enabled_by, &s->ignored);
	if (r == 0 && !masked)
		r = add_sockets(root, s, deftarget);
	/* The script's links, ignored by systemd-sysv-generator. */
	if (r == 0) {
		_cleanup_free_ char *why = NULL;

		why = strprintf("systemd runs the native unit %s", h->name);
		r = why ? find_rc_links(root, service, "", masked ? masked :
					why, &s->enabled_by, &s->ignored) :
			  -ENOMEM;
	}
	if (r < 0)
		return r;
	if (!masked)
		s->state = !strv_isempty(s->enabled_by) ? GP_SERVICE_ENABLED :
					      GP_SERVICE_DISABLED;
	return 0;
}

/* A SysV script @script (the unit systemd would generate for it). */
static int lookup_script(const struct gp_root *root, struct gp_service *s,
			 const char *name, char *script, const char *overridden)
{
	char levels[8];
	int r;

	s->unit_path = script;
	r = set_str(&s->unit, name);
	if (r == 0)
		r = boot_levels(root, s->init, levels);
	if (r == 0)
		r = find_rc_links(root, name, levels, overridden,
				  &s->enabled_by, &s->ignored);
	if (r < 0)
		return r;
	s->state = !strv_isempty(s->enabled_by) ? GP_SERVICE_ENABLED :
						  GP_SERVICE_DISABLED;
	return 0;
}

static int lookup_job(const struct gp_root *root, struct gp_service *s,
		      const char *name, bool *ret_found)
{
	_cleanup_free_ char *conf = NULL, *override = NULL, *why = NULL;
	bool enabled = false;
	int r;

	*ret_found = false;
	r = find_job(root, name, &conf, &enabled, &override);
	if (r <= 0)
		return r;
	*ret_found = true;
	r = set_str(&s->unit, name);
	if (r == 0 && enabled)
		r = strv_push(&s->enabled_by, conf);
	else if (r == 0)
		r = strv_pushf(&s->ignored, "%s (%s)", conf,
			       override ? override : "no \"start on\" stanza");
	if (r == 0) {
		why = strprintf("upstart runs %s", conf);
		r = why ? find_rc_links(root, name, "", why, &s->enabled_by,
					&s->ignored) : -ENOMEM;
	}
	if (r < 0)
		return r;
	s->unit_path = TAKE_PTR(conf);
	s->state = enabled ? GP_SERVICE_ENABLED : GP_SERVICE_DISABLED;
	return 0;
}

/* 0 with s->state left ABSENT when nothing of @name is there. */
static int lookup_name(const struct gp_root *root, struct gp_service *s,
		       const char *name)
{
	_cleanup_(gp_unit_done) struct gp_unit h = { 0 };
	_cleanup_free_ char *unit = NULL, *script = NULL;
	bool systemd = s->init == GP_INIT_SYSTEMD;
	bool found = false;
	int r;

	if (systemd || s->init == GP_INIT_UNKNOWN) {
		unit = strprintf("%s.service", name);
		if (!unit)
			return -ENOMEM;
		r = find_unit(root, unit, 0, &h);
		if (r < 0)
			return r;
		if (h.kind != GP_UNIT_NONE)
			return lookup_unit(root, s, &h);
	}
	if (!systemd && s->init != GP_INIT_SYSV) {
		r = lookup_job(root, s, name, &found);
		if (r < 0 || found)
			return r;
	}
	r = find_script(root, name, &script);
	if (r < 0 || !script)
		return r;
	return lookup_script(root, s, name, TAKE_PTR(script), NULL);
}

static void service_reset(struct gp_service *s)
{
	enum gp_init_system init = s->init;

	gp_service_done(s);
	*s = (struct gp_service){ .init = init, .systemd = s->systemd };
}

int gp_service_lookup(const struct gp_root *root, const char *const *names,
		      struct gp_service *ret)
{
	struct gp_service s = { 0 };
	int r = 0;

	s.init = gp_service_init_system(root);
	s.systemd = s.init == GP_INIT_SYSTEMD;
	for (size_t i = 0; names && names[i]; i++) {
		r = lookup_name(root, &s, names[i]);
		if (r < 0 || s.state != GP_SERVICE_ABSENT) {
			if (r == 0)
				r = set_str(&s.name, names[i]);
			break;
		}
		service_reset(&s);
	}
	if (r == 0)
		r = strv_ensure(&s.enabled_by);
	if (r == 0)
		r = strv_ensure(&s.ignored);
	if (r == 0)
		r = strv_ensure(&s.aliases);
	if (r < 0) {
		gp_service_done(&s);
		return r;
	}
	strv_sort(s.enabled_by);
	strv_sort(s.ignored);
	strv_sort(s.aliases);
	*ret = s;
	return 0;
}

void gp_service_done(struct gp_service *s)
{
	free(s->name);
	free(s->unit_path);
	free(s->masked_by);
	free(s->unit);
	strv_free(s->enabled_by);
	strv_free(s->aliases);
	strv_free(s->ignored);
	s->name = s->unit_path = s->masked_by = s->unit = NULL;
	s->enabled_by = s->aliases = s->ignored = NULL;
}

const char *gp_service_state_name(enum gp_service_state state)
{
	static const char *const names[] = {
		"absent", "disabled", "enabled", "masked",
	};

	return (size_t)state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

/* --- public unit helpers ------------------------------------------- */

int gp_unit_find(const struct gp_root *root, const char *unit,
		 struct gp_unit *ret)
{
	struct gp_unit u = { 0 };
	int r = find_unit(root, unit, 0, &u);

	if (r == 0)
		r = strv_ensure(&u.names);
	if (r < 0) {
		gp_unit_done(&u);
		return r;
	}
	strv_sort(u.names);
	*ret = u;
	return 0;
}

int gp_unit_wants_links(const struct gp_root *root, const char *unit,
			char ***ret_enabled, char ***ret_ignored)
{
	_cleanup_(strv_freep) char **enabled = NULL, **ignored = NULL;
	_cleanup_free_ char *deftarget = NULL;
	int r;

	r = default_target(root, &deftarget);
	if (r == 0)
		r = find_wants(root, unit, deftarget, NULL, NULL, &enabled,
			       &ignored);
	if (r == 0)
		r = strv_ensure(&enabled);
	if (r == 0)
		r = strv_ensure(&ignored);
	if (r < 0)
		return r;
	strv_sort(enabled);
	strv_sort(ignored);
	*ret_enabled = TAKE_PTR(enabled);
	*ret_ignored = TAKE_PTR(ignored);
	return 0;
}

/* --- enabling ------------------------------------------------------ */

struct changes {
	struct gp_service_change *v;
	size_t n;
};

void gp_service_changes_free(struct gp_service_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].path);
		free(c[i].target);
		free(c[i].why);
	}
	free(c);
}

static void changes_done(struct changes *c)
{
	gp_service_changes_free(c->v, c->n);
	*c = (struct changes){ 0 };
}

/* Add a change; @why is taken (NULL from a failed strprintf: -ENOMEM). */
static int change_add(struct changes *c, const char *path,
		      const char *target, char *why)
{
	struct gp_service_change *v, ch = { 0 };

	ch.why = why;
	ch.path = strdup(path);
	ch.target = target ? strdup(target) : NULL;
	v = ch.why && ch.path && (!target || ch.target) ?
	    realloc(c->v, (c->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(ch.path);
		free(ch.target);
		free(ch.why);
		return -ENOMEM;
	}
	c->v = v;
	c->v[c->n++] = ch;
	return 0;
}

static bool lexists(const struct gp_root *root, const char *path)
{
	struct stat st;

	return gp_root_stat(root, path, false, &st) == 0;
}

static int enable_unit(const struct gp_root *root, const struct gp_service *s,
		       struct changes *c)
{
	_cleanup_(gp_unit_install_done) struct gp_unit_install u = { 0 };
	static const struct {
		size_t off;
		const char *dir;
	} kinds[] = {
		{ offsetof(struct gp_unit_install, wanted_by), "wants" },
		{ offsetof(struct gp_unit_install, required_by), "requires" },
	};
	int r = gp_unit_read_install(root, s->unit_path, &u);

	if (r == -ENOMEM)
		return r;
	if (r < 0 || (strv_isempty(u.wanted_by) && strv_isempty(u.required_by)))
		return -EOPNOTSUPP;	/* static: nothing to link */
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		char **targets = *(char ***)((char *)&u + kinds[k].off);

		for (size_t i = 0; targets[i]; i++) {
			_cleanup_free_ char *path = NULL;

			path = strprintf(ETC_UNITS "/%s.%s/%s", targets[i],
					 kinds[k].dir, s->unit);
			if (!path)
				return -ENOMEM;
			if (strchr(targets[i], '/') || lexists(root, path))
				continue;
			r = change_add(c, path, s->unit_path,
				       strprintf("enable %s at boot: %s=%s, as "
						 "systemctl enable does",
						 s->unit, k ? "RequiredBy" :
						 "WantedBy", targets[i]));
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; u.alias[i]; i++) {
		_cleanup_free_ char *path = NULL;

		if (strchr(u.alias[i], '/'))
			continue;
		path = strprintf(ETC_UNITS "/%s", u.alias[i]);
		if (!path)
			return -ENOMEM;
		if (lexists(root, path))
			continue;
		r = change_add(c, path, s->unit_path,
			       strprintf("the alias %s of %s (Alias=)",
					 u.alias[i], s->unit));
		if (r < 0)
			return r;
	}
	return 0;
}

struct sysv_header {
	char levels[8];
	unsigned start;
};

/* Append the runlevel @l to @levels (of @size) once. */
static void add_level(char *levels, size_t size, char l)
{
	size_t n = strlen(levels);

	if (!strchr(levels, l) && n + 1 < size) {
		levels[n] = l;
		levels[n + 1] = '\0';
	}
}

/* "# chkconfig: 2345 55 25" or LSB "# Default-Start: 2 3 4 5". */
static void sysv_parse_header(const char *text, struct sysv_header *h)
{
	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");
		char levels[16];
		unsigned start, stop;

		/* start is checked < 100; a bad line only misorders. */
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(s, "# chkconfig: %15s %u %u", levels, &start,
			   &stop) == 3 && start < 100) {
			h->start = start;
			h->levels[0] = '\0';
			for (char *l = levels; *l; l++)
				if (strchr("0123456", *l))
					add_level(h->levels,
						  sizeof(h->levels), *l);
		} else if (strncmp(s, "# Default-Start:", 16) == 0 &&
			   !h->start) {
			h->levels[0] = '\0';
			for (size_t i = 16; i < n; i++)
				if (strchr("0123456S", s[i]))
					add_level(h->levels,
						  sizeof(h->levels), s[i]);
		}
		s += n;
		if (*s)
			s++;
	}
}

/* The runlevel directory for @level: the first layout that has one. */
static int rc_dir(const struct gp_root *root, char level, char **ret)
{
	*ret = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(rc_layouts); i++) {
		_cleanup_free_ char *dir = NULL;

		dir = strprintf("%s/rc%c.d", rc_layouts[i], level);
		if (!dir)
			return -ENOMEM;
		if (!gp_root_is_dir(root, dir))
			continue;
		if (gp_root_resolve(root, dir, ret) == -ENOMEM)
			return -ENOMEM;
		if (!*ret)
			*ret = TAKE_PTR(dir);
		return 0;
	}
	return 0;
}

/* The target of a link in @dir to @script, relative as the tools make it. */
static char *rc_target(const char *dir, const char *script)
{
	const char *dslash = strrchr(dir, '/'), *sslash = strrchr(script, '/');
	size_t dparent = dslash ? (size_t)(dslash - dir) : 0;
	size_t sdir = sslash ? (size_t)(sslash - script) : 0;

	if (sdir == dparent && strncmp(dir, script, sdir) == 0)
		return strprintf("..%s", sslash);	/* SUSE */
	if (sdir == dparent + 7 && strncmp(dir, script, dparent) == 0 &&
	    strncmp(script + dparent, "/init.d", 7) == 0)
		return strprintf("../init.d%s", sslash);
	return strdup(script);
}

/* Make @dir start @name: K links and dangling S links go, one S link. */
static int enable_in_dir(const struct gp_root *root, const char *dir,
			 const char *name, const char *script, unsigned start,
			 struct changes *c)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_free_ char *link = NULL, *target = NULL;
	struct changes removals = { 0 };
	struct dirent *de;
	unsigned entries = 0;
	int r = 0;

	if (gp_root_opendir(root, dir, &d) < 0)
		return 0;
	while ((de = readdir(d)) && entries++ < MAX_DIR_ENTRIES && r == 0) {
		_cleanup_free_ char *path = NULL;
		bool start_link = is_start_link(de->d_name, name);
		char kname[256];

		snprintf(kname, sizeof(kname), "S%s", de->d_name + 1);
		if (!start_link && !(de->d_name[0] == 'K' &&
				     is_start_link(kname, name)))
			continue;
		path = strprintf("%s/%s", dir, de->d_name);
		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (start_link && gp_root_exists(root, path)) {
			changes_done(&removals);
			return 0;	/* started there already */
		}
		r = change_add(&removals, path, NULL,
			       strprintf("%s: %s", start_link ?
					 "a start link to no script" :
					 "the stop link that disabled it",
					 name));
	}
	link = strprintf("%s/S%02u%s", dir, start, name);
	target = rc_target(dir, script);
	if (r == 0 && (!link || !target))
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < removals.n; i++)
		r = change_add(c, removals.v[i].path, NULL,
			       strdup(removals.v[i].why));
	if (r == 0)
		r = change_add(c, link, target,
			       strprintf("start %s in this runlevel, as "
					 "chkconfig/update-rc.d do", name));
	changes_done(&removals);
	return r;
}

static int enable_script(const struct gp_root *root,
			 const struct gp_service *s, struct changes *c)
{
	_cleanup_free_ char *text = NULL, *script = NULL;
	struct sysv_header h = { .start = 20 };
	const char *name = base_name(s->unit_path);
	char boot[8], levels[16] = "";
	int r;

	r = gp_root_read_file(root, s->unit_path, UNIT_MAX, &text, NULL);
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		sysv_parse_header(text, &h);
	if (!h.levels[0] || strcmp(h.levels, "S") == 0)
		strcpy(h.levels, "2345");
	r = boot_levels(root, s->init, boot);
	if (r < 0)
		return r;
	/* The runlevel the system boots into must be among them. */
	snprintf(levels, sizeof(levels), "%s", h.levels);
	for (const char *l = boot; *l; l++)
		if (*l != 'S')
			add_level(levels, sizeof(levels), *l);
	r = gp_root_resolve(root, s->unit_path, &script);
	if (r == -ENOMEM)
		return r;
	for (const char *l = levels; *l && r >= 0; l++) {
		_cleanup_free_ char *dir = NULL;

		r = rc_dir(root, *l, &dir);
		if (r == 0 && dir)
			r = enable_in_dir(root, dir, name,
					  script ? script : s->unit_path,
					  h.start, c);
	}
	return r < 0 ? r : 0;
}

/* An override that holds only "manual" (and comments) can go. */
static int enable_job(const struct gp_root *root, const struct gp_service *s,
		      struct changes *c)
{
	_cleanup_free_ char *over = NULL, *text = NULL;
	int r;

	over = strprintf("/etc/init/%s.override", s->unit);
	if (!over)
		return -ENOMEM;
	r = gp_root_read_file(root, over, UNIT_MAX, &text, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return -EOPNOTSUPP;	/* manual, or no "start on" */
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line = strstrip(line);
		if (*line && *line != '#' && strcmp(line, "manual") != 0)
			return -EOPNOTSUPP;
	}
	return change_add(c, over, NULL,
			  strprintf("%s only says \"manual\": without it "
				    "upstart starts %s at boot", over,
				    s->unit));
}

int gp_service_enable_changes(const struct gp_root *root,
			      const struct gp_service *s,
			      struct gp_service_change **ret, size_t *ret_n)
{
	_cleanup_(changes_done) struct changes c = { 0 };
	int r = 0;

	if (s->state == GP_SERVICE_ABSENT || !s->unit_path)
		return -EOPNOTSUPP;
	if (s->state == GP_SERVICE_MASKED) {
		if (!startswith(s->masked_by, ETC_UNITS "/"))
			return -EOPNOTSUPP;	/* the vendor's own mask */
		r = change_add(&c, s->masked_by, NULL,
			       strprintf("unmask %s, as systemctl unmask "
					 "does", s->unit));
	}
	if (r == 0 && s->state != GP_SERVICE_ENABLED) {
		if (startswith(s->unit_path, "/etc/init/"))
			r = enable_job(root, s, &c);
		else if (s->unit && endswith(s->unit_path, ".service"))
			r = enable_unit(root, s, &c);
		else
			r = enable_script(root, s, &c);
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c.v);
	*ret_n = c.n;
	c.n = 0;
	return 0;
}
