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

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "guestprep/macro.h"
#include "guestprep/pkgdb.h"
#include "guestprep/plugin.h"
#include "guestprep/seen.h"
#include "guestprep/strv.h"

#define PKG_NAME "qemu-guest-agent"
#define UNIT PKG_NAME ".service"
#define ETC_UNITS "/etc/systemd/system"
#define ETC_UNIT ETC_UNITS "/" UNIT
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

/* In udev's order of precedence: a file in /etc overrides its namesake. */
static const char *const udev_dirs[] = {
	"/etc/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d",
};

/* --- small helpers ------------------------------------------------- */

static void evidence_lines(struct gp_finding *f, char *const *lines)
{
	for (size_t i = 0; lines && lines[i]; i++)
		gp_evidence(f, "%s", lines[i]);
}

/*
 * 1 when @path is a file not seen yet (now seen), 0, or -ENOMEM: merged
 * /usr or /etc/init.d -> rc.d/init.d must not count a file twice.
 */
static int new_file(const struct gp_root *root, char ***seen,
		    const char *path)
{
	return gp_root_is_file(root, path) ? gp_seen_first(root, seen, path)
					   : 0;
}

/* The first of @paths that is a file, or NULL. */
static const char *first_file(const struct gp_root *root,
			      const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (gp_root_is_file(root, paths[i]))
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

/* --- what is installed --------------------------------------------- */

struct agent {
	char **evidence;	/* for qemu_ga.installed */
	bool binary;
	bool unit;		/* a unit file, not the mask */
	bool masked;
	const char *script;	/* an init script that counts */
	struct gp_dpkg_entry dpkg;
	bool rpm;		/* the rpm database holds the name */
};

static void agent_done(struct agent *a)
{
	strv_free(a->evidence);
	gp_dpkg_entry_done(&a->dpkg);
}

/* Files on disk: what can actually run, or start it. */
static bool agent_files(const struct agent *a)
{
	return a->binary || a->unit || a->script;
}

static bool dpkg_lists(const struct agent *a)
{
	return gp_dpkg_on_disk(a->dpkg.state);
}

static bool agent_removed_by_dpkg(const struct agent *a)
{
	return a->dpkg.state == GP_DPKG_REMOVED;
}

static int scan_binaries(const struct gp_root *root, struct agent *a,
			 char ***seen)
{
	for (size_t i = 0; i < ARRAY_SIZE(binaries); i++) {
		int r = new_file(root, seen, binaries[i]);

		if (r < 0)
			return r;
		if (r == 0)
			continue;
		a->binary = true;
		if (strv_pushf(&a->evidence, "program: %s", binaries[i]) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int dpkg_evidence(struct agent *a)
{
	const struct gp_dpkg_entry *d = &a->dpkg;
	const char *note = gp_dpkg_on_disk(d->state) ? "" :
			   d->state == GP_DPKG_UNKNOWN ?
			   " (a state dpkg does not know)" :
			   d->state == GP_DPKG_REMOVED &&
			   strstr(d->status, "config-files") ?
			   " (removed, its configuration files remain)" :
			   " (not installed)";

	if (d->state != GP_DPKG_ABSENT &&
	    strv_pushf(&a->evidence, "dpkg: %s:%u: Package: %s, Status: %s%s",
		       GP_DPKG_STATUS, d->line, PKG_NAME,
		       d->status ? d->status : "(none)", note) < 0)
		return -ENOMEM;
	if (d->error && d->error != -ENOENT &&
	    strv_pushf(&a->evidence, "dpkg: %s cannot be read: %s",
		       GP_DPKG_STATUS, strerror(-d->error)) < 0)
		return -ENOMEM;
	if (d->bad_lines &&
	    strv_pushf(&a->evidence,
		       "dpkg: %s: %u line(s) are not deb822 fields, the first "
		       "is line %u", GP_DPKG_STATUS, d->bad_lines,
		       d->first_bad_line) < 0)
		return -ENOMEM;
	return 0;
}

static int scan_units(const struct gp_root *root, struct agent *a,
		      char ***seen)
{
	a->masked = unit_masked(root);
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		_cleanup_free_ char *path = NULL;
		int r;

		if (asprintf(&path, "%s/%s", unit_dirs[i], UNIT) < 0)
			return -ENOMEM;
		if (a->masked && strcmp(path, ETC_UNIT) == 0)
			continue;
		r = new_file(root, seen, path);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		a->unit = true;
		if (strv_pushf(&a->evidence, "systemd unit: %s", path) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int scan_scripts(const struct gp_root *root, struct agent *a,
			char ***seen)
{
	for (size_t i = 0; i < ARRAY_SIZE(init_scripts); i++) {
		const char *path = init_scripts[i];
		int r = new_file(root, seen, path);

		if (r < 0)
			return r;
		if (r == 0)
			continue;
		/* A conffile dpkg keeps after "remove": it runs nothing. */
		if (agent_removed_by_dpkg(a) && !a->binary) {
			r = strv_pushf(&a->evidence, "init script: %s (left "
				       "over: the package was removed)", path);
		} else {
			if (!a->script)
				a->script = path;
			r = strv_pushf(&a->evidence, "SysV init script: %s",
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
	_cleanup_(strv_freep) char **seen = NULL;
	int r;

	r = scan_binaries(root, a, &seen);
	if (r == 0)
		r = gp_dpkg_lookup(root, PKG_NAME, &a->dpkg);
	if (r == 0)
		r = dpkg_evidence(a);
	if (r == 0)
		r = scan_units(root, a, &seen);
	if (r == 0)
		r = scan_scripts(root, a, &seen);
	return r;
}

/* --- the rpm database: a presence heuristic ------------------------ */

/* See gp_rpmdb_lookup(): a hint, counted only with the agent's files. */
static int scan_rpm(const struct gp_root *root, struct agent *a)
{
	_cleanup_(gp_rpmdb_done) struct gp_rpmdb db = { 0 };
	int r;

	r = gp_rpmdb_lookup(root, PKG_NAME, &db);
	if (r < 0)
		return r;
	a->rpm = db.found;
	for (size_t i = 0; i < db.n_files && r >= 0; i++) {
		const struct gp_rpmdb_file *file = &db.files[i];

		if (file->error)
			r = strv_pushf(&a->evidence,
				       "rpm database: %s cannot be read: %s",
				       file->path, strerror(-file->error));
		else if (file->found)
			r = strv_pushf(&a->evidence,
				       "rpm database: %s holds the name %s (a "
				       "presence heuristic on the file's "
				       "bytes, not an rpm query)", file->path,
				       PKG_NAME);
		else if (file->partial)
			r = strv_pushf(&a->evidence,
				       "rpm database: only the first %llu MiB "
				       "of %s were searched",
				       GP_RPMDB_SCAN_MAX >> 20, file->path);
	}
	return r < 0 ? -ENOMEM : 0;
}

/* --- what starts it at boot ---------------------------------------- */

/* /etc/systemd/system/UNIT.wants/qemu-guest-agent.service and .requires. */
static int find_wants(const struct gp_root *root, char ***ret)
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
		    strv_push(ret, path) < 0)
			return -ENOMEM;
	}
	strv_sort(*ret);
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
	_cleanup_(strv_freep) char **seen = NULL;
	int r = 0;

	*ret = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(udev_dirs) && !*ret; i++) {
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;

		r = gp_seen_first(root, &seen, udev_dirs[i]);
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
					     de->d_name) < 0)
					return -ENOMEM;
				overridden = gp_root_stat(root, o, false,
							  &st) == 0;
			}
			if (overridden)
				continue;
			if (asprintf(&path, "%s/%s", udev_dirs[i],
				     de->d_name) < 0)
				return -ENOMEM;
			r = gp_root_read_file(root, path, UDEV_RULES_MAX,
					      &text, NULL);
			if (r == -ENOMEM)
				return r;
			if (r == 0 && rules_start_agent(text))
				*ret = TAKE_PTR(path);
		}
		r = 0;
	}
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
		       bool native_unit, char ***ret, char ***ignored)
{
	struct dirent *de;

	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		const char *script = start_link_script(de->d_name);
		char ***to = ret;

		if (!script)
			continue;
		if (asprintf(&path, "%s/%s", real, de->d_name) < 0)
			return -ENOMEM;
		if (!gp_root_exists(root, path))
			continue;	/* dangling: starts nothing */
		if (native_unit && strcmp(script, PKG_NAME) == 0)
			to = ignored;
		if (strv_push(to, path) < 0)
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
			 char ***ret, char ***ignored)
{
	static const char *const layouts[] = { "/etc", "/etc/rc.d" };
	_cleanup_(strv_freep) char **seen = NULL;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(layouts) * 7 && r >= 0; i++) {
		_cleanup_closedir_ DIR *d = NULL;
		_cleanup_free_ char *dir = NULL, *real = NULL;

		if (asprintf(&dir, "%s/rc%zu.d", layouts[i / 7], i % 7) < 0) {
			r = -ENOMEM;
			break;
		}
		r = gp_seen_first(root, &seen, dir);
		if (r <= 0 || gp_root_opendir(root, dir, &d) < 0)
			continue;
		if (gp_root_resolve(root, dir, &real) < 0 &&
		    !(real = strdup(dir))) {
			r = -ENOMEM;
			break;
		}
		r = scan_rc_dir(root, d, real, native_unit, ret, ignored);
	}
	strv_sort(*ret);
	strv_sort(*ignored);
	return r < 0 ? r : 0;
}

static int link_evidence(const struct gp_root *root, char ***ev,
			 const char *what, const char *path, const char *note)
{
	_cleanup_free_ char *target = NULL;

	if (gp_root_readlink(root, path, &target) == 0)
		return strv_pushf(ev, "%s: %s -> %s%s", what, path, target,
				  note);
	return strv_pushf(ev, "%s: %s%s", what, path, note);
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
		/* Only when corroborated: see gp_rpmdb_lookup(). */
		list = rpm;
		n = ARRAY_SIZE(rpm);
	} else {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!gp_root_is_file(root, list[i].path))
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
		evidence_lines(f, a.evidence);
		remedy_installed(f, ctx, &a);
	} else if (a.rpm) {
		f = gp_emit(ctx, "qemu_ga.installed",
			    at_most(severity, GP_WARN),
			    "the rpm database seems to list %s, but none of "
			    "its files are present", PKG_NAME);
		evidence_lines(f, a.evidence);
		gp_remedy(f, "check with \"rpm -q %s\" and remove it if it is "
			     "installed", PKG_NAME);
	} else if (gp_dpkg_unreadable(&a.dpkg) ||
		   a.dpkg.state == GP_DPKG_UNKNOWN) {
		f = gp_emit(ctx, "qemu_ga.installed",
			    at_most(severity, GP_WARN),
			    "none of the agent's files are present, but the "
			    "dpkg status database cannot tell whether its "
			    "package is installed");
		evidence_lines(f, a.evidence);
		gp_remedy(f, "repair %s (\"dpkg --audit\"), then check with "
			     "\"dpkg -s %s\"", GP_DPKG_STATUS, PKG_NAME);
	} else {
		f = gp_emit(ctx, "qemu_ga.installed", GP_PASS,
			    "the QEMU guest agent is not installed");
		evidence_lines(f, a.evidence);
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
	char **evidence;
	char **wants;		/* enablement links in /etc/systemd/system */
	char **rc;		/* SysV start links that count */
	char **rc_ignored;
	char *udev;		/* the rules file that starts it */
	bool starts;		/* something starts it at boot */
};

static void boot_done(struct boot *b)
{
	strv_free(b->evidence);
	strv_free(b->wants);
	strv_free(b->rc);
	strv_free(b->rc_ignored);
	free(b->udev);
}

static int scan_boot(const struct gp_root *root, const struct agent *a,
		     struct boot *b)
{
	const char *masked = a->masked ? " (ignored: the unit is masked)" : "";
	int r;

	if (a->masked &&
	    strv_pushf(&b->evidence, "masked: %s -> /dev/null: systemd starts "
		       "it neither at boot nor from udev", ETC_UNIT) < 0)
		return -ENOMEM;
	r = find_wants(root, &b->wants);
	for (size_t i = 0; r == 0 && b->wants && b->wants[i]; i++)
		r = link_evidence(root, &b->evidence, "enablement link",
				  b->wants[i], masked);
	if (r < 0)
		return r;
	if (a->unit || a->masked) {
		r = find_udev_rule(root, &b->udev);
		if (r < 0)
			return r;
	}
	if (b->udev &&
	    strv_pushf(&b->evidence, "udev: %s has systemd start %s whenever "
		       "the host's virtio-serial port org.qemu.guest_agent.0 "
		       "appears%s", b->udev, UNIT, masked) < 0)
		return -ENOMEM;

	r = find_rc_links(root, has_systemd(root) && (a->unit || a->masked),
			  &b->rc, &b->rc_ignored);
	for (size_t i = 0; r == 0 && b->rc && b->rc[i]; i++)
		r = link_evidence(root, &b->evidence, "SysV start link",
				  b->rc[i], "");
	for (size_t i = 0; r == 0 && b->rc_ignored && b->rc_ignored[i]; i++)
		r = link_evidence(root, &b->evidence, "SysV start link",
				  b->rc_ignored[i],
				  " (ignored: systemd runs the native unit)");
	if (r < 0)
		return r;

	b->starts = !strv_isempty(b->rc) ||
		    (a->unit && !a->masked &&
		     (!strv_isempty(b->wants) || b->udev));
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
		evidence_lines(f, b.evidence);
		return 0;
	}
	f = gp_emit(ctx, "qemu_ga.enabled",
		    gp_ctx_profile(ctx)->qemu_ga_installed,
		    "the QEMU guest agent would start at boot");
	evidence_lines(f, b.evidence);
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
	for (size_t i = 0; r == 0 && b.wants && b.wants[i]; i++)
		r = gp_plan_remove(ctx, b.wants[i],
				   "disable " UNIT " at boot");
	if (r == 0 && a.unit)
		r = gp_plan_symlink(ctx, ETC_UNIT, "/dev/null",
				    "mask " UNIT ": neither boot nor udev "
				    "may start it");
	for (size_t i = 0; r == 0 && b.rc && b.rc[i]; i++)
		r = gp_plan_remove(ctx, b.rc[i],
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
	_cleanup_(strv_freep) char **pids = NULL;
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
		    strv_push(&pids, path) < 0)
			return -ENOMEM;
	}
	if (strv_isempty(pids)) {
		gp_emit(ctx, "qemu_ga.running", GP_PASS,
			"no qemu-ga process is running");
		return 0;
	}
	strv_sort(pids);
	r = scan_files(root, &a);
	if (r < 0)
		return r;
	f = gp_emit(ctx, "qemu_ga.running", GP_WARN,
		    "the QEMU guest agent is running");
	for (size_t i = 0; pids[i]; i++)
		gp_evidence(f, "%s: qemu-ga", pids[i]);
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
