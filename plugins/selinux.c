/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * selinux: an imported image must not boot with SELinux enforcing (the
 * cloud's agents change files at first boot; with enforcing policy and
 * mislabelled files the instance does not come up or cannot be reached).
 *
 * What decides the next boot is /etc/selinux/config and an "enforcing="
 * option on the kernel command line; the live mode is reported too,
 * because a system enforcing now hints at a policy the image will carry.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "guestprep/kvfile.h"
#include "guestprep/macro.h"
#include "guestprep/plugin.h"

#define CONFIG "/etc/selinux/config"

static void config_unreadable(struct gp_ctx *ctx, int err)
{
	struct gp_finding *f;

	f = gp_emit(ctx, "selinux.config", GP_WARN,
		    "%s cannot be read: %s", CONFIG, strerror(-err));
	gp_remedy(f, "make %s a regular file with SELINUX=disabled or "
		     "SELINUX=permissive", CONFIG);
}

static bool is_mode(const char *value)
{
	return strcasecmp(value, "enforcing") == 0 ||
	       strcasecmp(value, "permissive") == 0 ||
	       strcasecmp(value, "disabled") == 0;
}

/*
 * The assignment the system boots with: libselinux takes the first
 * SELINUX= line naming a mode, without regard to case, and passes over
 * the others.  With no such line, the last assignment, to report it.
 */
static const struct gp_kv *find_mode(const struct gp_kvfile *kv)
{
	const struct gp_kv *last = NULL;

	for (size_t i = 0; i < kv->n_items; i++) {
		const struct gp_kv *it = &kv->items[i];

		if (strcmp(it->key, "SELINUX") != 0)
			continue;
		if (is_mode(it->value))
			return it;
		last = it;
	}
	return last;
}

static void judge_mode(struct gp_ctx *ctx, const struct gp_kv *kv,
		       unsigned bad_lines)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	struct gp_finding *f;

	if (strcasecmp(kv->value, "disabled") == 0 ||
	    strcasecmp(kv->value, "permissive") == 0) {
		f = gp_emit(ctx, "selinux.config", GP_PASS,
			    "SELinux is %s at boot", kv->value);
	} else if (strcasecmp(kv->value, "enforcing") == 0) {
		f = gp_emit(ctx, "selinux.config", p->selinux_enforcing,
			    "SELinux would enforce its policy at boot");
		gp_remedy(f, "set SELINUX=permissive (or disabled) in %s",
			  CONFIG);
	} else {
		f = gp_emit(ctx, "selinux.config", GP_WARN,
			    "SELINUX=%s is not a mode SELinux knows", kv->value);
		gp_remedy(f, "set SELINUX=permissive or SELINUX=disabled in %s",
			  CONFIG);
	}
	gp_evidence(f, "%s:%u: SELINUX=%s", CONFIG, kv->line, kv->value);
	if (bad_lines)
		gp_evidence(f, "%s: %u line(s) are not assignments", CONFIG,
			    bad_lines);
}

static int check_config(struct gp_ctx *ctx)
{
	_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };
	const struct gp_kv *mode;
	struct gp_finding *f;
	int r;

	r = gp_kv_load(gp_ctx_root(ctx), CONFIG, &kv);
	if (r == -ENOENT) {
		gp_emit(ctx, "selinux.config", GP_PASS,
			"SELinux is not configured (no %s)", CONFIG);
		return 0;
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		config_unreadable(ctx, r);
		return 0;
	}
	mode = find_mode(&kv);
	if (mode) {
		judge_mode(ctx, mode, kv.bad_lines);
		return 0;
	}
	/* Without the setting the kernel's built-in default decides. */
	f = gp_emit(ctx, "selinux.config", GP_WARN,
		    "%s does not say whether SELinux enforces", CONFIG);
	gp_remedy(f, "add SELINUX=permissive (or disabled) to %s", CONFIG);
	return 0;
}

/* Kernel options that force a mode whatever the configuration says. */
static const char *find_option(const char *cmdline, const char *option)
{
	size_t len = strlen(option);

	for (const char *p = cmdline; (p = strstr(p, option)); p += len)
		if ((p == cmdline || p[-1] == ' ' || p[-1] == '\t' ||
		     p[-1] == '"') &&
		    (p[len] == '\0' || strchr(" \t\"", p[len])))
			return p;
	return NULL;
}

static int check_cmdline(struct gp_ctx *ctx)
{
	static const char *const keys[] = {
		"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT",
	};
	_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };
	struct gp_finding *f;
	int r;

	r = gp_kv_load(gp_ctx_root(ctx), "/etc/default/grub", &kv);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_emit(ctx, "selinux.cmdline", GP_SKIP,
			"no /etc/default/grub to read kernel options from");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct gp_kv *it = gp_kv_find(&kv, keys[i]);

		if (!it || !find_option(it->value, "enforcing=1"))
			continue;
		f = gp_emit(ctx, "selinux.cmdline",
			    gp_ctx_profile(ctx)->selinux_enforcing,
			    "the kernel command line forces SELinux to enforce");
		gp_evidence(f, "/etc/default/grub:%u: %s=\"%s\"", it->line,
			    it->key, it->value);
		gp_remedy(f, "remove enforcing=1 from %s in /etc/default/grub "
			     "and regenerate the grub configuration", it->key);
		return 0;
	}
	gp_emit(ctx, "selinux.cmdline", GP_PASS,
		"the kernel command line does not force SELinux to enforce");
	return 0;
}

/* The kernel's current mode; selinuxfs moved from /selinux in 2011. */
static int check_live(struct gp_ctx *ctx)
{
	static const char *const paths[] = {
		"/sys/fs/selinux/enforce", "/selinux/enforce",
	};
	const struct gp_root *root = gp_ctx_root(ctx);
	struct gp_finding *f;

	if (!gp_root_is_live(root)) {
		gp_emit(ctx, "selinux.live", GP_SKIP,
			"not a live system: only the configuration counts");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *value = NULL;

		if (gp_root_read_file(root, paths[i], 64, &value, NULL) < 0)
			continue;
		if (value[0] == '1') {
			f = gp_emit(ctx, "selinux.live", GP_WARN,
				    "SELinux is enforcing on the running system");
			gp_remedy(f, "check that the configuration the image "
				     "boots with does not enforce (selinux.config)");
		} else {
			f = gp_emit(ctx, "selinux.live", GP_PASS,
				    "SELinux is permissive on the running system");
		}
		gp_evidence(f, "%s: %c", paths[i], value[0]);
		return 0;
	}
	gp_emit(ctx, "selinux.live", GP_PASS,
		"SELinux is not active on the running system");
	return 0;
}

static const struct gp_check selinux_checks[] = {
	{ "selinux.config", "/etc/selinux/config does not enforce",
	  check_config },
	{ "selinux.cmdline", "no enforcing=1 on the kernel command line",
	  check_cmdline },
	{ "selinux.live", "the running kernel's SELinux mode (live only)",
	  check_live },
	{ 0 },
};

const struct gp_plugin selinux_plugin = {
	.name = "selinux",
	.summary = "SELinux must not enforce in the imported image",
	.targets = GP_TARGET_LINUX,
	.checks = selinux_checks,
};
