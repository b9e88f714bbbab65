/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cloud_init: the cloud recommends cloud-init in an imported image, so
 * that the instance's host name, NTP and package sources are set up from
 * the cloud's metadata at first boot.
 *
 * Three checks, each run on its own (--only) and so each finding out for
 * itself whether cloud-init is there:
 *
 *   cloud_init.installed   the program, its Python package, and what
 *                          dpkg (or rpm's documentation) says about it;
 *   cloud_init.enabled     nothing keeps it from running at boot: the
 *                          /etc/cloud/cloud-init.disabled flag, the kernel
 *                          command line, masked units, no enablement;
 *   cloud_init.datasource  the effective datasource_list of cloud.cfg and
 *                          cloud.cfg.d/ (read with libyaml) lets cloud-init
 *                          use the datasource the profile names.
 *
 * Installing a package needs a reachable repository, so a missing
 * cloud-init is left to the administrator.  The fixers remove the
 * disabling flag and unit masks and write one drop-in with the
 * datasource list; the kernel command line is a manual step.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "guestprep/cmdline.h"
#include "guestprep/kvfile.h"
#include "guestprep/macro.h"
#include "guestprep/pkgdb.h"
#include "guestprep/plugin.h"
#include "guestprep/strv.h"

#define DISABLED_FLAG "/etc/cloud/cloud-init.disabled"
#define CLOUD_CFG "/etc/cloud/cloud.cfg"
#define CLOUD_CFG_D "/etc/cloud/cloud.cfg.d"
#define DROPIN_NAME "99-guestprep-datasource.cfg"
#define DROPIN CLOUD_CFG_D "/" DROPIN_NAME
#define CMDLINE_OPTION "cloud-init=disabled"

/* Bounds on what a hostile or broken guest can make us read. */
#define MAX_DIR_ENTRIES 4096	/* per directory scanned */
#define MAX_DROPINS 256		/* drop-in files read from one directory */
#define MAX_PYDIRS 8
#define YAML_MAX_FILE (1u << 20)
#define YAML_MAX_DEPTH 64
#define YAML_MAX_EVENTS 100000u
#define YAML_MAX_ANCHORS 64
#define DS_MAX_NAMES 64
#define DS_MAX_NAME_LEN 128

/* The units cloud-init runs as; masking any of them stops a stage. */
static const char *const units[] = {
	"cloud-init-local.service", "cloud-init.service",
	"cloud-config.service", "cloud-final.service", "cloud-init.target",
};

static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
};

/* Ubuntu's cloud-init (17.1 on) enables cloud-init.target from here. */
static const char *const generators[] = {
	"/lib/systemd/system-generators/cloud-init-generator",
	"/usr/lib/systemd/system-generators/cloud-init-generator",
};
#define GENERATOR_MASK "/etc/systemd/system-generators/cloud-init-generator"

static const char *const systemd_binaries[] = {
	"/lib/systemd/systemd", "/usr/lib/systemd/systemd",
};

/* --- small helpers --------------------------------------------------- */

/*
 * Append the paths of the files NAME@suffix in @dir (not hidden) to @ret
 * in lexical order, the order cloud-init reads them in; past @max files
 * or MAX_DIR_ENTRIES entries, count in @ret_skipped what was not listed.
 * A missing directory has no files.
 */
static int list_dir(const struct gp_root *root, const char *dir,
		    const char *suffix, size_t max, char ***ret,
		    size_t *ret_skipped)
{
	_cleanup_closedir_ DIR *d = NULL;
	size_t first = strv_length(*ret), added = 0;
	struct dirent *de;
	unsigned n = 0;
	int r;

	if (gp_root_opendir(root, dir, &d) < 0)
		return 0;
	while ((de = readdir(d))) {
		if (n++ >= MAX_DIR_ENTRIES) {
			(*ret_skipped)++;
			break;
		}
		if (de->d_name[0] == '.' || !endswith(de->d_name, suffix))
			continue;
		if (added >= max) {
			(*ret_skipped)++;
			continue;
		}
		r = strv_consume(ret, strprintf("%s/%s", dir, de->d_name));
		if (r < 0)
			return r;
		added++;
	}
	if (added)
		strv_sort(*ret + first);
	return 0;
}

/* --- cloud_init.installed -------------------------------------------- */

enum dpkg_state {
	DPKG_UNKNOWN,		/* no dpkg database, or no stanza */
	DPKG_INSTALLED,
	DPKG_REMOVED,		/* config-files, not-installed */
	DPKG_PARTIAL,		/* unpacked, half-installed, half-configured */
};

struct install {
	bool installed;
	char *binary;		/* /usr/bin/cloud-init */
	char **pydirs;		/* .../cloudinit package directories */
	enum dpkg_state dpkg;
	struct gp_dpkg_entry pkg;	/* dpkg's paragraph */
	char *rpm_doc;		/* /usr/share/doc/cloud-init-18.5 */
};

static void install_done(struct install *in)
{
	free(in->binary);
	strv_free(in->pydirs);
	gp_dpkg_entry_done(&in->pkg);
	free(in->rpm_doc);
	*in = (struct install){ 0 };
}

/*
 * What dpkg says, judged for cloud-init: a Status dpkg would not write
 * counts as an unfinished installation (to be reinstalled); a paragraph
 * without one says nothing.
 */
static int dpkg_lookup(const struct gp_root *root, struct install *in)
{
	int r = gp_dpkg_lookup(root, "cloud-init", &in->pkg);

	if (r < 0)
		return r;
	switch (in->pkg.state) {
	case GP_DPKG_INSTALLED:
		in->dpkg = DPKG_INSTALLED;
		break;
	case GP_DPKG_REMOVED:
		in->dpkg = DPKG_REMOVED;
		break;
	case GP_DPKG_PARTIAL:
		in->dpkg = DPKG_PARTIAL;
		break;
	default:
		in->dpkg = in->pkg.status ? DPKG_PARTIAL : DPKG_UNKNOWN;
		break;
	}
	return 0;
}

/* cloudinit/ in the Python library directories, sorted. */
static int find_pydirs(const struct gp_root *root, struct install *in)
{
	static const char *const libs[] = { "/usr/lib", "/usr/local/lib" };
	static const char *const kinds[] = { "dist-packages", "site-packages" };
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(libs); i++) {
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;
		unsigned n = 0;

		if (gp_root_opendir(root, libs[i], &d) < 0)
			continue;
		while ((de = readdir(d)) && n++ < MAX_DIR_ENTRIES) {
			if (strncmp(de->d_name, "python", 6) != 0)
				continue;
			for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
				char *p = strprintf("%s/%s/%s/cloudinit",
						    libs[i], de->d_name,
						    kinds[k]);

				if (!p)
					return -ENOMEM;
				if (strv_length(in->pydirs) >= MAX_PYDIRS ||
				    !gp_root_is_dir(root, p)) {
					free(p);
					continue;
				}
				r = strv_consume(&in->pydirs, p);
				if (r < 0)
					return r;
			}
		}
	}
	strv_sort(in->pydirs);
	return 0;
}

/* rpm installs the package's documentation as cloud-init[-VERSION]. */
static int find_rpm_doc(const struct gp_root *root, struct install *in)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	unsigned n = 0;

	if (!gp_root_is_dir(root, "/var/lib/rpm") ||
	    gp_root_opendir(root, "/usr/share/doc", &d) < 0)
		return 0;
	while ((de = readdir(d)) && n++ < 8 * MAX_DIR_ENTRIES) {
		const char *rest;

		if (strncmp(de->d_name, "cloud-init", 10) != 0)
			continue;
		rest = de->d_name + 10;
		if (*rest &&
		    !(rest[0] == '-' && rest[1] >= '0' && rest[1] <= '9'))
			continue;
		in->rpm_doc = strprintf("/usr/share/doc/%s", de->d_name);
		return in->rpm_doc ? 0 : -ENOMEM;
	}
	return 0;
}

static int detect_install(const struct gp_root *root, struct install *in)
{
	static const char *const binaries[] = {
		"/usr/bin/cloud-init", "/usr/local/bin/cloud-init",
	};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(binaries) && !in->binary; i++)
		if (gp_root_is_file(root, binaries[i])) {
			in->binary = strdup(binaries[i]);
			if (!in->binary)
				return -ENOMEM;
		}
	r = find_pydirs(root, in);
	if (r >= 0)
		r = dpkg_lookup(root, in);
	if (r >= 0)
		r = find_rpm_doc(root, in);
	if (r < 0)
		return r;
	in->installed = in->binary && (!strv_isempty(in->pydirs) ||
				       in->dpkg == DPKG_INSTALLED);
	return 0;
}

static void install_evidence(struct gp_finding *f, const struct install *in)
{
	gp_evidence(f, "%s", in->binary ? in->binary :
		    "no /usr/bin/cloud-init or /usr/local/bin/cloud-init");
	for (size_t i = 0; in->pydirs && in->pydirs[i]; i++)
		gp_evidence(f, "Python package %s", in->pydirs[i]);
	if (strv_isempty(in->pydirs))
		gp_evidence(f, "no cloudinit Python package in /usr/lib or "
			       "/usr/local/lib");
	if (in->dpkg != DPKG_UNKNOWN)
		gp_evidence(f, "%s: cloud-init %s: %s", GP_DPKG_STATUS,
			    in->pkg.version ? in->pkg.version : "?",
			    in->pkg.status);
	if (in->rpm_doc)
		gp_evidence(f, "rpm package documentation %s", in->rpm_doc);
}

static const char *install_command(const struct gp_ctx *ctx)
{
	switch (gp_ctx_host(ctx)->os.family) {
	case GP_FAMILY_DEBIAN:
		return "apt-get install cloud-init";
	case GP_FAMILY_RHEL:
		return "yum install cloud-init";
	case GP_FAMILY_SUSE:
		return "zypper install cloud-init";
	default:
		return NULL;
	}
}

/* CoreOS sets itself up with its own first-boot agent, not cloud-init. */
static bool uses_cloud_init(const struct gp_ctx *ctx)
{
	return gp_ctx_host(ctx)->os.family != GP_FAMILY_COREOS;
}

static int check_installed(struct gp_ctx *ctx)
{
	_cleanup_(install_done) struct install in = { 0 };
	const char *cmd = install_command(ctx);
	struct gp_finding *f;
	int r;

	if (!uses_cloud_init(ctx)) {
		gp_emit(ctx, "cloud_init.installed", GP_SKIP,
			"CoreOS configures itself at first boot without "
			"cloud-init");
		return 0;
	}
	r = detect_install(gp_ctx_root(ctx), &in);
	if (r < 0)
		return r;
	if (in.installed) {
		f = gp_emit(ctx, "cloud_init.installed", GP_PASS,
			    "cloud-init is installed");
		install_evidence(f, &in);
		return 0;
	}
	if (in.dpkg == DPKG_REMOVED && !in.binary)
		f = gp_emit(ctx, "cloud_init.installed",
			    gp_ctx_profile(ctx)->cloud_init_missing,
			    "cloud-init was removed (dpkg keeps only its "
			    "configuration files)");
	else if (in.binary || !strv_isempty(in.pydirs) ||
		 in.dpkg != DPKG_UNKNOWN)
		f = gp_emit(ctx, "cloud_init.installed",
			    gp_ctx_profile(ctx)->cloud_init_missing,
			    "cloud-init is not completely installed");
	else
		f = gp_emit(ctx, "cloud_init.installed",
			    gp_ctx_profile(ctx)->cloud_init_missing,
			    "cloud-init is not installed: the instance cannot "
			    "take its host name, NTP and package sources from "
			    "the cloud");
	install_evidence(f, &in);
	if (cmd)
		gp_remedy(f, "install it from the distribution's repositories "
			     "(%s%s); guestprep does not install packages: "
			     "that needs a reachable repository", cmd,
			  in.dpkg == DPKG_PARTIAL ? " --reinstall" : "");
	else
		gp_remedy(f, "install cloud-init with the distribution's "
			     "package manager; guestprep does not install "
			     "packages: that needs a reachable repository");
	return 0;
}

/*
 * Checks that judge cloud-init's configuration skip without it:
 * *ret_skipped says whether the skip finding was emitted.
 */
static int skip_unless_installed(struct gp_ctx *ctx, const char *id,
				 struct install *in, bool *ret_skipped)
{
	int r;

	*ret_skipped = true;
	if (!uses_cloud_init(ctx)) {
		gp_emit(ctx, id, GP_SKIP, "CoreOS does not use cloud-init");
		return 0;
	}
	r = detect_install(gp_ctx_root(ctx), in);
	if (r < 0)
		return r;
	if (!in->installed) {
		gp_emit(ctx, id, GP_SKIP, "cloud-init is not installed "
					  "(see cloud_init.installed)");
		return 0;
	}
	*ret_skipped = false;
	return 0;
}

/* --- cloud_init.enabled ---------------------------------------------- */

struct enablement {
	bool flag;		/* /etc/cloud/cloud-init.disabled is there */
	bool flag_removable;	/* ... as a file or link the fixer removes */
	char **cmdline;		/* evidence of cloud-init=disabled */
	char **masks;		/* masked unit paths in /etc/systemd/system */
	char **mask_evidence;
	bool systemd;		/* systemd boots, cloud-init has units */
	char *enabled_by;	/* the generator or a wants link */
};

static void enablement_done(struct enablement *e)
{
	strv_free(e->cmdline);
	strv_free(e->masks);
	strv_free(e->mask_evidence);
	free(e->enabled_by);
	*e = (struct enablement){ 0 };
}

/*
 * systemd's masks: a link to /dev/null, or an empty file.  1 with
 * @ret_evidence saying which (caller frees), 0 when @path is no mask,
 * or -ENOMEM.
 */
static int is_masked(const struct gp_root *root, const char *path,
		     char **ret_evidence)
{
	_cleanup_free_ char *target = NULL;
	struct stat st;
	int r;

	*ret_evidence = NULL;
	if (gp_root_stat(root, path, false, &st) < 0)
		return 0;
	if (S_ISLNK(st.st_mode)) {
		r = gp_root_readlink(root, path, &target);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || strcmp(target, "/dev/null") != 0)
			return 0;
		*ret_evidence = strprintf("%s -> /dev/null", path);
	} else if (S_ISREG(st.st_mode) && st.st_size == 0) {
		*ret_evidence = strprintf("%s is empty", path);
	} else {
		return 0;
	}
	return *ret_evidence ? 1 : -ENOMEM;
}

/* Whether the shell value @value expands $KEY or ${KEY}. */
static bool expands(const char *value, const char *key)
{
	static const char name_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "abcdefghijklmnopqrstuvwxyz"
					 "_0123456789";
	size_t len = strlen(key);

	for (const char *p = value; (p = strchr(p, '$')); p++) {
		const char *name = p[1] == '{' ? p + 2 : p + 1;

		if (strncmp(name, key, len) == 0 &&
		    (name[len] == '\0' || !strchr(name_chars, name[len])))
			return true;
	}
	return false;
}

/*
 * The kernel options grub-mkconfig writes: /etc/default/grub, then the
 * .cfg files of /etc/default/grub.d (Debian, Ubuntu), each a shell
 * snippet.  A later assignment replaces an earlier one unless it expands
 * the key.
 */
static int scan_grub_defaults(const struct gp_root *root, struct enablement *e)
{
	static const char *const keys[] = {
		"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT",
	};
	char *hit[ARRAY_SIZE(keys)] = { NULL };
	char **files = NULL;
	size_t skipped = 0;
	int r;

	r = strv_push(&files, "/etc/default/grub");
	if (r >= 0)
		r = list_dir(root, "/etc/default/grub.d", ".cfg", MAX_DROPINS,
			     &files, &skipped);
	for (size_t i = 0; r >= 0 && files[i]; i++) {
		_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };

		if (gp_kv_load(root, files[i], &kv) < 0)
			continue;
		for (size_t j = 0; j < kv.n_items && r >= 0; j++) {
			const struct gp_kv *it = &kv.items[j];

			for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
				if (strcmp(it->key, keys[k]) != 0)
					continue;
				if (!expands(it->value, keys[k])) {
					free(hit[k]);
					hit[k] = NULL;
				}
				if (!gp_cmdline_has(it->value, CMDLINE_OPTION))
					continue;
				free(hit[k]);
				hit[k] = strprintf("%s:%u: %s=\"%s\"",
						   files[i], it->line, it->key,
						   it->value);
				if (!hit[k])
					r = -ENOMEM;
			}
		}
	}
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (hit[k] && r >= 0)
			r = strv_consume(&e->cmdline, TAKE_PTR(hit[k]));
		else
			free(hit[k]);
	strv_free(files);
	return r;
}

static int scan_cmdline(const struct gp_root *root, struct enablement *e)
{
	_cleanup_free_ char *cmdline = NULL;
	int r;

	r = scan_grub_defaults(root, e);
	if (r < 0 || !gp_root_is_live(root))
		return r;
	/* The running kernel's: a boot entry edited by hand shows here. */
	r = gp_root_read_file(root, "/proc/cmdline", 65536, &cmdline, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || !gp_cmdline_has(cmdline, CMDLINE_OPTION))
		return 0;
	cmdline[strcspn(cmdline, "\n")] = '\0';
	return strv_consume(&e->cmdline,
			    strprintf("/proc/cmdline: %s", cmdline));
}

/* A link in a *.wants or *.requires directory pulls cloud-init.service in. */
static int find_wants_link(const struct gp_root *root, struct enablement *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;
		unsigned n = 0;

		if (gp_root_opendir(root, unit_dirs[i], &d) < 0)
			continue;
		while ((de = readdir(d)) && n++ < MAX_DIR_ENTRIES) {
			char *link;

			if (!endswith(de->d_name, ".wants") &&
			    !endswith(de->d_name, ".requires"))
				continue;
			/* Started only when the generator wants the target. */
			if (strcmp(de->d_name, "cloud-init.target.wants") == 0)
				continue;
			link = strprintf("%s/%s/cloud-init.service",
					 unit_dirs[i], de->d_name);
			if (!link)
				return -ENOMEM;
			if (gp_root_exists(root, link)) {
				e->enabled_by = link;
				return 0;
			}
			free(link);
		}
	}
	return 0;
}

static int scan_systemd(const struct gp_root *root, struct enablement *e)
{
	bool systemd = false;
	char *ev = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		char *path = strprintf("/etc/systemd/system/%s", units[i]);

		if (!path)
			return -ENOMEM;
		r = is_masked(root, path, &ev);
		if (r > 0) {
			r = strv_consume(&e->masks, path);
			if (r >= 0)
				r = strv_consume(&e->mask_evidence, ev);
			else
				free(ev);
		} else {
			free(path);
		}
		if (r < 0)
			return r;
	}
	/* Units are judged where systemd boots and cloud-init ships them. */
	for (size_t i = 0; i < ARRAY_SIZE(systemd_binaries); i++)
		systemd = systemd || gp_root_is_file(root, systemd_binaries[i]);
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs) && systemd; i++) {
		_cleanup_free_ char *unit = strprintf("%s/cloud-init.service",
						      unit_dirs[i]);

		if (!unit)
			return -ENOMEM;
		e->systemd = e->systemd || gp_root_is_file(root, unit);
	}
	if (!e->systemd)
		return 0;
	r = is_masked(root, GENERATOR_MASK, &ev);
	free(ev);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(generators) && r == 0; i++)
		if (gp_root_is_file(root, generators[i])) {
			e->enabled_by = strdup(generators[i]);
			return e->enabled_by ? 0 : -ENOMEM;
		}
	return find_wants_link(root, e);
}

static int scan_enablement(const struct gp_root *root, struct enablement *e)
{
	struct stat st;
	int r;

	if (gp_root_stat(root, DISABLED_FLAG, false, &st) == 0) {
		e->flag = true;
		e->flag_removable = S_ISREG(st.st_mode) || S_ISLNK(st.st_mode);
	}
	r = scan_cmdline(root, e);
	if (r >= 0)
		r = scan_systemd(root, e);
	return r;
}

static int check_enabled(struct gp_ctx *ctx)
{
	_cleanup_(install_done) struct install in = { 0 };
	_cleanup_(enablement_done) struct enablement e = { 0 };
	enum gp_status bad = gp_ctx_profile(ctx)->cloud_init_missing;
	_cleanup_free_ char *masked = NULL;
	struct gp_finding *f;
	bool skipped;
	int r;

	r = skip_unless_installed(ctx, "cloud_init.enabled", &in, &skipped);
	if (r < 0 || skipped)
		return r;
	r = scan_enablement(gp_ctx_root(ctx), &e);
	if (r < 0)
		return r;
	if (e.flag) {
		f = gp_emit(ctx, "cloud_init.enabled.flag", bad,
			    "cloud-init is disabled by %s", DISABLED_FLAG);
		gp_evidence(f, "%s exists", DISABLED_FLAG);
		gp_remedy(f, "remove %s", DISABLED_FLAG);
		gp_set_fixable(f, e.flag_removable);
	}
	if (!strv_isempty(e.cmdline)) {
		f = gp_emit(ctx, "cloud_init.enabled.cmdline", bad,
			    "the kernel command line disables cloud-init");
		for (size_t i = 0; e.cmdline[i]; i++)
			gp_evidence(f, "%s", e.cmdline[i]);
		gp_remedy(f, "remove %s from the kernel command line: from "
			     "/etc/default/grub, then regenerate grub.cfg "
			     "(update-grub, or grub2-mkconfig -o "
			     "/boot/grub2/grub.cfg); guestprep does not edit "
			     "the boot loader's configuration", CMDLINE_OPTION);
	}
	if (!strv_isempty(e.masks)) {
		const char *names[ARRAY_SIZE(units) + 1] = { NULL };

		for (size_t i = 0; e.masks[i]; i++)
			names[i] = strrchr(e.masks[i], '/') + 1;
		masked = strv_join((char *const *)names, " ");
		f = gp_emit(ctx, "cloud_init.enabled.masked", bad,
			    "cloud-init's systemd units are masked");
		for (size_t i = 0; e.mask_evidence[i]; i++)
			gp_evidence(f, "%s", e.mask_evidence[i]);
		gp_remedy(f, "unmask them: systemctl unmask %s",
			  masked ? masked : "cloud-init.service");
		gp_set_fixable(f, true);
	}
	if (e.systemd && !e.enabled_by) {
		f = gp_emit(ctx, "cloud_init.enabled.units", bad,
			    "cloud-init's systemd units are not enabled");
		gp_evidence(f, "no cloud-init generator, no *.wants/"
			       "cloud-init.service link in %s, %s or %s",
			    unit_dirs[0], unit_dirs[1], unit_dirs[2]);
		gp_remedy(f, "systemctl enable cloud-init-local.service "
			     "cloud-init.service cloud-config.service "
			     "cloud-final.service");
	}
	if (e.flag || !strv_isempty(e.cmdline) || !strv_isempty(e.masks) ||
	    (e.systemd && !e.enabled_by))
		return 0;
	f = gp_emit(ctx, "cloud_init.enabled", GP_PASS,
		    "cloud-init runs at boot");
	if (e.enabled_by)
		gp_evidence(f, "enabled by %s", e.enabled_by);
	else
		gp_evidence(f, "no systemd unit for cloud-init: its init "
			       "scripts are not judged");
	return 0;
}

static int fix_enabled(struct gp_ctx *ctx)
{
	_cleanup_(enablement_done) struct enablement e = { 0 };
	int r;

	r = scan_enablement(gp_ctx_root(ctx), &e);
	if (r < 0)
		return r;
	if (e.flag && e.flag_removable) {
		r = gp_plan_remove(ctx, DISABLED_FLAG,
				   "cloud-init does nothing at boot while this "
				   "file exists");
		if (r < 0 && r != -EEXIST)
			return r;
	}
	for (size_t i = 0; e.masks && e.masks[i]; i++) {
		r = gp_plan_remove(ctx, e.masks[i], "unmask the unit: "
				   "cloud-init must run at boot");
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

/* --- cloud_init.datasource: YAML ------------------------------------- */

/* What a YAML node holds, as far as datasource_list cares. */
enum ds_kind {
	DS_UNSET,	/* no datasource_list: cloud-init's built-in list */
	DS_LIST,	/* a sequence of short scalars: names */
	DS_SCALAR,	/* one short scalar (names[0]) */
	DS_NULL,	/* null */
	DS_OTHER,	/* a mapping, a nested list, a long string, ... */
};

struct ds_value {
	enum ds_kind kind;
	char **names;
	unsigned line;		/* of the datasource_list key */
};

static void ds_value_done(struct ds_value *v)
{
	strv_free(v->names);
	*v = (struct ds_value){ 0 };
}

static int ds_value_copy(const struct ds_value *from, struct ds_value *to)
{
	ds_value_done(to);
	to->kind = from->kind;
	to->line = from->line;
	for (size_t i = 0; from->names && from->names[i]; i++)
		if (strv_push(&to->names, from->names[i]) < 0)
			return -ENOMEM;
	return 0;
}

static void ds_value_move(struct ds_value *from, struct ds_value *to)
{
	ds_value_done(to);
	*to = *from;
	*from = (struct ds_value){ 0 };
}

/* An anchored node, remembered so that an alias to it can be told. */
struct anchor {
	char *name;
	struct ds_value value;
};

struct yaml_walk {
	yaml_parser_t parser;
	unsigned long events;
	struct anchor anchors[YAML_MAX_ANCHORS];
	size_t n_anchors;
	bool anchors_full;
	/* The first problem, at a 1-based line and column. */
	unsigned line, column;
	char *problem;
};

static void walk_done(struct yaml_walk *w)
{
	yaml_parser_delete(&w->parser);
	for (size_t i = 0; i < w->n_anchors; i++) {
		free(w->anchors[i].name);
		ds_value_done(&w->anchors[i].value);
	}
	free(w->problem);
}

/* Record what is wrong at @mark (only the first problem counts). */
static int walk_error(struct yaml_walk *w, const yaml_mark_t *mark,
		      const char *what, int err)
{
	if (!w->problem) {
		w->line = (unsigned)mark->line + 1;
		w->column = (unsigned)mark->column + 1;
		w->problem = strdup(what);
	}
	return w->problem ? err : -ENOMEM;
}

/*
 * The next event: 0; -EINVAL for bad YAML, -E2BIG past the limits (both
 * recorded in @w); -ENOMEM.
 */
static int walk_next(struct yaml_walk *w, yaml_event_t *ev)
{
	yaml_parser_t *p = &w->parser;
	_cleanup_free_ char *what = NULL;

	if (++w->events > YAML_MAX_EVENTS)
		return walk_error(w, &p->mark, "too many YAML nodes to read",
				  -E2BIG);
	if (yaml_parser_parse(p, ev))
		return 0;
	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	what = strprintf("%s%s%s",
			 p->problem ? p->problem : "not valid YAML",
			 p->context ? " " : "", p->context ? p->context : "");
	if (!what)
		return -ENOMEM;
	return walk_error(w, &p->problem_mark, what, -EINVAL);
}

/* YAML 1.1's nulls, as PyYAML resolves plain scalars. */
static bool scalar_is_null(const yaml_event_t *ev)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !ev->data.scalar.plain_implicit)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(nulls); i++)
		if (strcmp(v, nulls[i]) == 0)
			return true;
	return false;
}

static int remember(struct yaml_walk *w, const yaml_char_t *name,
		    const struct ds_value *v)
{
	struct anchor *a;

	if (w->n_anchors >= YAML_MAX_ANCHORS) {
		w->anchors_full = true;
		return 0;
	}
	a = &w->anchors[w->n_anchors];
	*a = (struct anchor){ .name = strdup((const char *)name) };
	if (!a->name || ds_value_copy(v, &a->value) < 0) {
		free(a->name);
		ds_value_done(&a->value);
		return -ENOMEM;
	}
	w->n_anchors++;
	return 0;
}

static int resolve_alias(struct yaml_walk *w, const yaml_event_t *ev,
			 struct ds_value *ret)
{
	const char *name = (const char *)ev->data.alias.anchor;

	/* An anchor may be defined again: the latest counts. */
	for (size_t i = w->n_anchors; i-- > 0;)
		if (strcmp(w->anchors[i].name, name) == 0)
			return ds_value_copy(&w->anchors[i].value, ret);
	if (w->anchors_full) {
		ret->kind = DS_OTHER;
		return 0;
	}
	return walk_error(w, &ev->start_mark, "an alias of an undefined anchor",
			  -EINVAL);
}

static int read_node(struct yaml_walk *w, yaml_event_t *ev, unsigned depth,
		     struct ds_value *ret);

/* A sequence is a list of names when every item is a short scalar. */
static int read_sequence(struct yaml_walk *w, unsigned depth,
			 struct ds_value *ret)
{
	ret->kind = DS_LIST;
	for (;;) {
		_cleanup_(ds_value_done) struct ds_value item = { 0 };
		yaml_event_t ev;
		int r;

		r = walk_next(w, &ev);
		if (r < 0)
			return r;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		r = read_node(w, &ev, depth + 1, &item);
		if (r < 0)
			return r;
		if (ret->kind != DS_LIST)
			continue;
		if (item.kind != DS_SCALAR ||
		    strv_length(ret->names) >= DS_MAX_NAMES) {
			ds_value_done(ret);
			ret->kind = DS_OTHER;
			continue;
		}
		r = strv_consume(&ret->names, TAKE_PTR(item.names[0]));
		if (r < 0)
			return r;
	}
}

static int read_mapping(struct yaml_walk *w, unsigned depth)
{
	for (;;) {
		yaml_event_t ev;
		int r;

		r = walk_next(w, &ev);
		if (r < 0)
			return r;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		/* Keys and values alike: nodes to pass over. */
		r = read_node(w, &ev, depth + 1, NULL);
		if (r < 0)
			return r;
	}
}

/*
 * Consume the node that @ev starts (@ev is deleted here) and, when @ret
 * is not NULL, say what it holds.  Anchored nodes are remembered;
 * aliases are looked up, never expanded, so a "billion laughs" document
 * costs no more than its size.  Nesting is bounded.
 */
static int read_node(struct yaml_walk *w, yaml_event_t *ev, unsigned depth,
		     struct ds_value *ret)
{
	_cleanup_(ds_value_done) struct ds_value v = { 0 };
	yaml_char_t *anchor = NULL;
	int r = 0;

	if (depth > YAML_MAX_DEPTH) {
		r = walk_error(w, &ev->start_mark, "nested too deeply to read",
			       -E2BIG);
		yaml_event_delete(ev);
		return r;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		if (scalar_is_null(ev)) {
			v.kind = DS_NULL;
		} else if (ev->data.scalar.length <= DS_MAX_NAME_LEN &&
			   !memchr(ev->data.scalar.value, '\0',
				   ev->data.scalar.length)) {
			v.kind = DS_SCALAR;
			r = strv_push(&v.names,
				      (const char *)ev->data.scalar.value);
		} else {
			v.kind = DS_OTHER;
		}
		break;
	case YAML_ALIAS_EVENT:
		r = resolve_alias(w, ev, &v);
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		r = read_sequence(w, depth, &v);
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		v.kind = DS_OTHER;
		r = read_mapping(w, depth);
		break;
	default:
		r = walk_error(w, &ev->start_mark, "unexpected YAML event",
			       -EINVAL);
		break;
	}
	if (r >= 0 && anchor)
		r = remember(w, anchor, &v);
	yaml_event_delete(ev);
	if (r >= 0 && ret)
		ds_value_move(&v, ret);
	return r;
}

/* The top-level mapping: keep the last datasource_list, pass the rest. */
static int read_top(struct yaml_walk *w, struct ds_value *ret)
{
	for (;;) {
		yaml_event_t key, value;
		unsigned line;
		bool ours;
		int r;

		r = walk_next(w, &key);
		if (r < 0)
			return r;
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			return 0;
		}
		ours = key.type == YAML_SCALAR_EVENT &&
		       strcmp((const char *)key.data.scalar.value,
			      "datasource_list") == 0;
		line = (unsigned)key.start_mark.line + 1;
		r = read_node(w, &key, 2, NULL);
		if (r >= 0)
			r = walk_next(w, &value);
		if (r >= 0)
			r = read_node(w, &value, 2, ours ? ret : NULL);
		if (r < 0)
			return r;
		if (ours) {
			/* A string is not a list of names. */
			if (ret->kind == DS_SCALAR) {
				ds_value_done(ret);
				ret->kind = DS_OTHER;
			}
			ret->line = line;
		}
	}
}

/*
 * Read one configuration file as cloud-init does (PyYAML's safe_load):
 * one document whose top level is a mapping, or nothing at all.  @ret
 * gets the file's datasource_list (DS_UNSET when it has none).
 */
static int yaml_read(struct yaml_walk *w, struct ds_value *ret)
{
	unsigned docs = 0;
	yaml_event_t ev;
	int r;

	r = walk_next(w, &ev);	/* the stream's start */
	if (r < 0)
		return r;
	yaml_event_delete(&ev);
	for (;;) {
		r = walk_next(w, &ev);
		if (r < 0)
			return r;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (++docs > 1) {
			r = walk_error(w, &ev.start_mark, "a second YAML "
				       "document (cloud-init reads one)",
				       -EINVAL);
			yaml_event_delete(&ev);
			return r;
		}
		yaml_event_delete(&ev);	/* the document's start */
		r = walk_next(w, &ev);
		if (r < 0)
			return r;
		if (ev.type == YAML_MAPPING_START_EVENT) {
			struct ds_value top = { .kind = DS_OTHER };
			yaml_char_t *anchor = ev.data.mapping_start.anchor;

			r = anchor ? remember(w, anchor, &top) : 0;
			yaml_event_delete(&ev);
			if (r >= 0)
				r = read_top(w, ret);
		} else if (ev.type == YAML_SCALAR_EVENT &&
			   scalar_is_null(&ev)) {
			yaml_event_delete(&ev);
		} else {
			r = walk_error(w, &ev.start_mark, "the top level is "
				       "not a mapping of settings", -EINVAL);
			yaml_event_delete(&ev);
		}
		if (r < 0)
			return r;
		r = walk_next(w, &ev);	/* the document's end */
		if (r < 0)
			return r;
		yaml_event_delete(&ev);
	}
}

/* --- cloud_init.datasource: the effective list ----------------------- */

struct ds_problem {
	char *file;
	char *what;		/* "FILE:LINE:COLUMN: problem" */
};

struct ds_eval {
	struct ds_value value;	/* the effective datasource_list */
	char *setter;		/* the file that set it; NULL: none did */
	struct ds_problem *problems;	/* files cloud-init would ignore */
	size_t n_problems;
	size_t n_skipped;	/* drop-ins past MAX_DROPINS, not read */
	bool dropin_dir;	/* cloud.cfg.d is a directory */
};

static void ds_eval_done(struct ds_eval *e)
{
	ds_value_done(&e->value);
	free(e->setter);
	for (size_t i = 0; i < e->n_problems; i++) {
		free(e->problems[i].file);
		free(e->problems[i].what);
	}
	free(e->problems);
	*e = (struct ds_eval){ 0 };
}

static int add_problem(struct ds_eval *e, const char *file, char *what)
{
	struct ds_problem *list;
	char *copy = strdup(file);

	list = what && copy ? realloc(e->problems, (e->n_problems + 1) *
						   sizeof(*list)) : NULL;
	if (!list) {
		free(what);
		free(copy);
		return -ENOMEM;
	}
	e->problems = list;
	list[e->n_problems++] = (struct ds_problem){ .file = copy,
						     .what = what };
	return 0;
}

/* Read @path; a file that sets datasource_list replaces the value so far. */
static int eval_file(const struct gp_root *root, const char *path,
		     struct ds_eval *e)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_(ds_value_done) struct ds_value v = { 0 };
	struct yaml_walk w = { 0 };
	size_t len;
	int r;

	r = gp_root_read_file(root, path, YAML_MAX_FILE, &data, &len);
	if (r == -ENOENT && strcmp(path, CLOUD_CFG) == 0)
		return 0;
	if (r == -ENOMEM)
		return r;
	if (r == -EFBIG)
		return add_problem(e, path,
				   strprintf("%s: larger than %u KiB, not "
					     "read", path,
					     YAML_MAX_FILE >> 10));
	if (r < 0)
		return add_problem(e, path,
				   strprintf("%s: cannot be read: %s", path,
					     strerror(-r)));
	if (!yaml_parser_initialize(&w.parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&w.parser, (const unsigned char *)data,
				     len);
	r = yaml_read(&w, &v);
	if (r == -EINVAL || r == -E2BIG) {
		r = add_problem(e, path, strprintf("%s:%u:%u: %s", path,
						   w.line, w.column,
						   w.problem));
	} else if (r >= 0 && v.kind != DS_UNSET) {
		ds_value_move(&v, &e->value);
		free(e->setter);
		e->setter = strdup(path);
		if (!e->setter)
			r = -ENOMEM;
	}
	walk_done(&w);
	return r;
}

/* cloud.cfg, then the .cfg files of cloud.cfg.d in lexical order. */
static int eval_datasource(const struct gp_root *root, struct ds_eval *e)
{
	_cleanup_(strv_freep) char **files = NULL;
	int r;

	r = eval_file(root, CLOUD_CFG, e);
	if (r < 0)
		return r;
	e->dropin_dir = gp_root_is_dir(root, CLOUD_CFG_D);
	r = list_dir(root, CLOUD_CFG_D, ".cfg", MAX_DROPINS, &files,
		     &e->n_skipped);
	for (size_t i = 0; r >= 0 && files && files[i]; i++)
		r = eval_file(root, files[i], e);
	return r;
}

/* cloud-init takes "DataSourceAliYun" and "AliYun" alike. */
static bool names_source(const char *name, const char *wanted)
{
	if (strncmp(name, "DataSource", 10) == 0)
		name += 10;
	return strcmp(name, wanted) == 0;
}

/*
 * "None" is cloud-init's fallback when no metadata is found: never the
 * datasource a cloud needs, whatever a profile lists.
 */
static bool is_fallback(const char *name)
{
	return strcmp(name, "None") == 0;
}

/* The profile's first real datasource, or NULL. */
static const char *first_wanted(char *const *wanted)
{
	for (size_t i = 0; wanted && wanted[i]; i++)
		if (!is_fallback(wanted[i]))
			return wanted[i];
	return NULL;
}

/* The first wanted datasource the effective value lets cloud-init use. */
static const char *usable_source(const struct ds_value *v,
				 char *const *wanted)
{
	if (v->kind == DS_UNSET)	/* the built-in list probes them all */
		return first_wanted(wanted);
	for (size_t i = 0; v->kind == DS_LIST && wanted[i]; i++) {
		if (is_fallback(wanted[i]))
			continue;
		for (size_t j = 0; v->names && v->names[j]; j++)
			if (names_source(v->names[j], wanted[i]))
				return wanted[i];
	}
	return NULL;
}

/* Names that go into the drop-in unquoted, as cloud-init spells them. */
static bool plain_name(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
			       "qrstuvwxyz0123456789_-") == strlen(s);
}

/* Whether a file read after the drop-in sets datasource_list. */
static bool set_after_dropin(const struct ds_eval *e)
{
	return e->setter && strcmp(e->setter, CLOUD_CFG) != 0 &&
	       strcmp(strrchr(e->setter, '/') + 1, DROPIN_NAME) > 0;
}

/* Whether writing the drop-in makes the effective list right. */
static bool dropin_mends(const struct ds_eval *e, char *const *wanted)
{
	for (size_t i = 0; wanted[i]; i++)
		if (!plain_name(wanted[i]))
			return false;
	return e->dropin_dir && !e->n_skipped && !set_after_dropin(e);
}

/* The profile's datasources but "None", then @last if not NULL. */
static char *wanted_names(char *const *wanted, const char *last)
{
	_cleanup_free_ char **v = calloc(strv_length(wanted) + 2, sizeof(*v));
	size_t n = 0;

	if (!v)
		return NULL;
	for (size_t i = 0; wanted && wanted[i]; i++)
		if (!is_fallback(wanted[i]))
			v[n++] = wanted[i];
	if (last)
		v[n++] = (char *)last;
	return strv_join(v, ", ");
}

/* The drop-in: the profile's datasources, then None. */
static char *dropin_text(const struct gp_profile *p)
{
	_cleanup_free_ char *list = wanted_names(p->cloud_init_datasources,
						 "None");

	if (!list)
		return NULL;
	return strprintf("# Written by guestprep (profile %s): cloud-init must "
			 "find the target\n# cloud's metadata.  Remove this "
			 "file to undo.\ndatasource_list: [ %s ]\n", p->name,
			 list);
}

/* The installed cloud-init must carry a wanted datasource's module. */
static int find_module(const struct gp_root *root, const struct install *in,
		       char *const *wanted, char **ret_path)
{
	for (size_t i = 0; wanted[i]; i++)
		for (size_t j = 0; in->pydirs && in->pydirs[j] &&
				   !is_fallback(wanted[i]); j++) {
			char *p = strprintf("%s/sources/DataSource%s.py",
					    in->pydirs[j], wanted[i]);

			if (!p)
				return -ENOMEM;
			if (gp_root_is_file(root, p)) {
				*ret_path = p;
				return 1;
			}
			free(p);
		}
	return 0;
}

static void ds_evidence(struct gp_finding *f, const struct ds_eval *e)
{
	_cleanup_free_ char *list = NULL;

	if (e->value.kind == DS_UNSET) {
		gp_evidence(f, "default list: no datasource_list in %s or "
			       "%s/*.cfg", CLOUD_CFG, CLOUD_CFG_D);
		return;
	}
	if (e->value.kind == DS_LIST)
		list = strv_join(e->value.names, ", ");
	if (list)
		gp_evidence(f, "%s:%u: datasource_list: [ %s ]", e->setter,
			    e->value.line, list);
	else
		gp_evidence(f, "%s:%u: datasource_list: %s", e->setter,
			    e->value.line, e->value.kind == DS_NULL ? "null" :
			    "not a list of names");
	if (e->n_skipped)
		gp_evidence(f, "%zu more files in %s were not read",
			    e->n_skipped, CLOUD_CFG_D);
}

static void judge_list(struct gp_ctx *ctx, const struct ds_eval *e,
		       const char *wanted, struct gp_finding **ret)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	const char *hit = usable_source(&e->value, p->cloud_init_datasources);
	const char *want = first_wanted(p->cloud_init_datasources);
	struct gp_finding *f;

	if (hit && e->value.kind == DS_UNSET)
		f = gp_emit(ctx, "cloud_init.datasource", GP_PASS,
			    "cloud-init probes its built-in datasources, %s "
			    "among them", hit);
	else if (hit)
		f = gp_emit(ctx, "cloud_init.datasource", GP_PASS,
			    "cloud-init's datasource_list has %s", hit);
	else
		f = gp_emit(ctx, "cloud_init.datasource", p->cloud_init_missing,
			    "cloud-init's datasource_list, set in %s, has none "
			    "of %s", e->setter, wanted);
	ds_evidence(f, e);
	*ret = f;
	if (hit)
		return;
	if (dropin_mends(e, p->cloud_init_datasources)) {
		gp_remedy(f, "add %s to datasource_list in %s, or set it in "
			     "a later file of %s", want, e->setter,
			  CLOUD_CFG_D);
		gp_set_fixable(f, true);
	} else if (set_after_dropin(e)) {
		gp_remedy(f, "add %s to datasource_list in %s (read after "
			     "guestprep's %s)", want, e->setter, DROPIN);
	} else {
		gp_remedy(f, "add %s to datasource_list in %s", want,
			  e->setter);
	}
}

static int check_datasource(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	char *const *wanted = p->cloud_init_datasources;
	_cleanup_(install_done) struct install in = { 0 };
	_cleanup_(ds_eval_done) struct ds_eval e = { 0 };
	_cleanup_free_ char *module = NULL, *names = NULL;
	struct gp_finding *f;
	bool skipped;
	int r;

	r = skip_unless_installed(ctx, "cloud_init.datasource", &in, &skipped);
	if (r < 0 || skipped)
		return r;
	if (!first_wanted(wanted)) {
		gp_emit(ctx, "cloud_init.datasource", GP_SKIP,
			"the profile names no datasource");
		return 0;
	}
	names = wanted_names(wanted, NULL);
	if (!names)
		return -ENOMEM;
	r = eval_datasource(gp_ctx_root(ctx), &e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < e.n_problems; i++) {
		f = gp_emit(ctx, "cloud_init.datasource.syntax", GP_WARN,
			    "%s cannot be read as cloud-init's YAML "
			    "configuration", e.problems[i].file);
		gp_evidence(f, "%s", e.problems[i].what);
		gp_remedy(f, "correct or remove %s", e.problems[i].file);
	}
	judge_list(ctx, &e, names, &f);
	/* Listing it is no use when this cloud-init has no such module. */
	if (strv_isempty(in.pydirs))
		return 0;
	r = find_module(gp_ctx_root(ctx), &in, wanted, &module);
	if (r < 0)
		return r;
	if (r > 0) {
		gp_evidence(f, "datasource module %s", module);
		return 0;
	}
	f = gp_emit(ctx, "cloud_init.datasource.module", p->cloud_init_missing,
		    "the installed cloud-init has no %s datasource: it is too "
		    "old for the target cloud", names);
	for (size_t i = 0; in.pydirs[i]; i++)
		gp_evidence(f, "no DataSource%s.py in %s/sources",
			    first_wanted(wanted), in.pydirs[i]);
	gp_remedy(f, "update cloud-init from the distribution's repositories");
	return 0;
}

static int fix_datasource(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(ds_eval_done) struct ds_eval e = { 0 };
	_cleanup_free_ char *text = NULL;
	int r;

	if (!first_wanted(p->cloud_init_datasources))
		return 0;
	r = eval_datasource(gp_ctx_root(ctx), &e);
	if (r < 0)
		return r;
	if (usable_source(&e.value, p->cloud_init_datasources) ||
	    !dropin_mends(&e, p->cloud_init_datasources))
		return 0;
	text = dropin_text(p);
	if (!text)
		return -ENOMEM;
	return gp_plan_write(ctx, DROPIN, text, strlen(text), 0644,
			     "let cloud-init use the cloud's datasource");
}

static const struct gp_check cloud_init_checks[] = {
	{ .id = "cloud_init.installed",
	  .summary = "cloud-init is installed",
	  .run = check_installed },
	{ .id = "cloud_init.enabled",
	  .summary = "nothing keeps cloud-init from running at boot",
	  .run = check_enabled,
	  .fix = fix_enabled },
	{ .id = "cloud_init.datasource",
	  .summary = "cloud-init's datasource_list has the cloud's datasource",
	  .run = check_datasource,
	  .fix = fix_datasource },
	{ 0 },
};

const struct gp_plugin cloud_init_plugin = {
	.name = "cloud_init",
	.summary = "cloud-init sets the instance up from the cloud's metadata",
	.targets = GP_TARGET_LINUX,
	.checks = cloud_init_checks,
};
