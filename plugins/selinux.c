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
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "guestprep/cmdline.h"
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
		gp_set_fixable(f, true);
	} else {
		f = gp_emit(ctx, "selinux.config", GP_WARN,
			    "SELINUX=%s is not a mode SELinux knows", kv->value);
		gp_remedy(f, "set SELINUX=permissive or SELINUX=disabled in %s",
			  CONFIG);
		gp_set_fixable(f, true);
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
	gp_set_fixable(f, true);
	return 0;
}

/* Kernel options that force a mode whatever the configuration says. */
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

		if (!it || !gp_cmdline_has(it->value, "enforcing=1"))
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

/* Whether @line assigns SELINUX (not SELINUXTYPE), as sh would read it. */
static bool assigns_mode(const char *line, size_t len)
{
	size_t skip = strspn(line, " \t");

	if (len >= skip + 7 && strncmp(line + skip, "export", 6) == 0 &&
	    (line[skip + 6] == ' ' || line[skip + 6] == '\t'))
		skip += 6 + strspn(line + skip + 6, " \t");
	return len >= skip + 8 && strncmp(line + skip, "SELINUX=", 8) == 0;
}

/*
 * The configuration with every SELINUX= line set to @mode and everything
 * else kept byte for byte; the line is added when there is none.
 */
static char *set_mode(const char *text, size_t len, const char *mode,
		      size_t *ret_len)
{
	char *buf = NULL;
	size_t size = 0;
	bool seen = false;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(text + len - p);

		if (assigns_mode(p, n)) {
			fprintf(f, "SELINUX=%s%s", mode, nl ? "\n" : "");
			seen = true;
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
	}
	if (!seen)
		fprintf(f, "%sSELINUX=%s\n",
			len && text[len - 1] != '\n' ? "\n" : "", mode);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*ret_len = size;
	return buf;
}

static int fix_config(struct gp_ctx *ctx)
{
	const char *mode = gp_ctx_profile(ctx)->selinux_fix_mode;
	_cleanup_free_ char *text = NULL, *fixed = NULL, *why = NULL;
	size_t len, fixed_len;
	int r;

	if (!mode || (strcmp(mode, "disabled") != 0 &&
		      strcmp(mode, "permissive") != 0))
		return -EINVAL;	/* the profile asks for something unsafe */
	r = gp_root_read_file(gp_ctx_root(ctx), CONFIG, 0, &text, &len);
	if (r < 0)
		return r;
	fixed = set_mode(text, len, mode, &fixed_len);
	if (!fixed || asprintf(&why, "set SELINUX=%s", mode) < 0)
		return -ENOMEM;
	return gp_plan_write(ctx, CONFIG, fixed, fixed_len, 0644, why);
}

static const struct gp_check selinux_checks[] = {
	{ .id = "selinux.config",
	  .summary = "/etc/selinux/config does not enforce",
	  .run = check_config,
	  .fix = fix_config },
	{ .id = "selinux.cmdline",
	  .summary = "no enforcing=1 on the kernel command line",
	  .run = check_cmdline },
	{ .id = "selinux.live",
	  .summary = "the running kernel's SELinux mode (live only)",
	  .run = check_live },
	{ 0 },
};

const struct gp_plugin selinux_plugin = {
	.name = "selinux",
	.summary = "SELinux must not enforce in the imported image",
	.targets = GP_TARGET_LINUX,
	.checks = selinux_checks,
};
