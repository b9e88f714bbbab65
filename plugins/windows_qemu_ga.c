/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows_qemu_ga: "qemu-ga cannot be installed in the image because it will
 * impact the availability of services needed by ECS", on Windows too.
 *
 *   windows_qemu_ga.installed  the QEMU guest agent's service, QEMU-GA as the
 *                              virtio-win installer names it, is absent.  A
 *                              service that starts (automatic or on demand)
 *                              fails, and the fixer disables it (Start = 4); a
 *                              disabled one warns, since the program is still
 *                              there to uninstall.
 *
 * The service key is SYSTEM\CurrentControlSet\Services\QEMU-GA; key names
 * compare without case, so "qemu-ga" is the same key.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "guestprep/plugin.h"
#include "guestprep/strv.h"
#include "guestprep/winreg.h"

#define SERVICE "SYSTEM\\CurrentControlSet\\Services\\QEMU-GA"
/* Installed beside it for application-consistent snapshots. */
#define VSS_SERVICE \
	"SYSTEM\\CurrentControlSet\\Services\\QEMU Guest Agent VSS Provider"
#define START_DISABLED 4

static const char *start_name(uint32_t start)
{
	static const char *const names[] = {
		"boot", "system", "automatic", "manual", "disabled",
	};

	return start < ARRAY_SIZE(names) ? names[start] : "unknown";
}

struct agent {
	bool present;
	int have_start;		/* 1: Start read */
	uint32_t start;
	char *image;		/* ImagePath, or NULL */
	bool vss;
};

static void agent_done(struct agent *a)
{
	free(a->image);
}

static int read_agent(struct gp_winreg *reg, struct agent *a)
{
	int r;

	r = gp_winreg_get_dword(reg, SERVICE, "Start", &a->start);
	if (r < 0 && r != -ENOENT && r != -EMEDIUMTYPE)
		return r;
	a->have_start = r == 0;
	a->present = a->have_start || gp_winreg_key_exists(reg, SERVICE);
	if (!a->present)
		return 0;
	r = gp_winreg_get_string(reg, SERVICE, "ImagePath", &a->image);
	if (r < 0 && r != -ENOENT && r != -EMEDIUMTYPE)
		return r;
	a->vss = gp_winreg_key_exists(reg, VSS_SERVICE);
	return 0;
}

/* Whether Windows would start it: anything but Start = 4. */
static bool agent_starts(const struct agent *a)
{
	return a->present && !(a->have_start && a->start == START_DISABLED);
}

static void add_evidence(struct gp_finding *f, struct gp_winreg *reg,
			 const struct agent *a)
{
	_cleanup_free_ char *real = NULL;
	const char *name =
		gp_winreg_resolve(reg, SERVICE, &real) == 0 ? real : SERVICE;
	const char *src = gp_winreg_source(reg, SERVICE);

	if (!a->present) {
		gp_evidence(f, "%s: no such key (%s)", name, src);
		return;
	}
	if (a->have_start)
		gp_evidence(f, "%s: Start = %u (%s) (%s)", name, a->start,
			    start_name(a->start), src);
	else
		gp_evidence(f, "%s: Start is not set (%s)", name, src);
	if (a->image)
		gp_evidence(f, "%s: ImagePath = \"%s\"", name, a->image);
	if (a->vss)
		gp_evidence(f, "%s: installed with it", VSS_SERVICE);
}

static int check_installed(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(agent_done) struct agent a = { 0 };
	struct gp_winreg *reg;
	struct gp_finding *f;
	int r;

	/* A missing SYSTEM hive must not look like a missing service. */
	reg = gp_winreg_need(ctx, "windows_qemu_ga.installed", "SYSTEM");
	if (!reg)
		return 0;
	r = read_agent(reg, &a);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_winreg_emit_unreadable(ctx, "windows_qemu_ga.installed", reg,
					  SERVICE, r);
		return 0;
	}
	if (!a.present) {
		f = gp_emit(ctx, "windows_qemu_ga.installed", GP_PASS,
			    "the QEMU guest agent service is not installed");
		add_evidence(f, reg, &a);
		return 0;
	}
	if (!agent_starts(&a)) {
		f = gp_emit(ctx, "windows_qemu_ga.installed",
			    p->windows_qemu_ga_disabled,
			    "the QEMU guest agent service is installed, "
			    "disabled");
		add_evidence(f, reg, &a);
		gp_remedy(f, "uninstall the QEMU guest agent (Programs and "
			     "Features: QEMU guest agent)");
		return 0;
	}
	f = gp_emit(ctx, "windows_qemu_ga.installed",
		    p->windows_qemu_ga_installed,
		    "the QEMU guest agent service is installed and would "
		    "start");
	add_evidence(f, reg, &a);
	gp_set_fixable(f, true);
	gp_remedy(f, "uninstall the QEMU guest agent (Programs and Features), "
		     "or at least disable its service: sc config QEMU-GA "
		     "start= disabled");
	return 0;
}

static int fix_installed(struct gp_ctx *ctx)
{
	struct gp_winreg *reg = gp_ctx_winreg(ctx);
	_cleanup_(agent_done) struct agent a = { 0 };
	int r;

	if (!reg)
		return -ENOENT;
	r = read_agent(reg, &a);
	if (r < 0 || !agent_starts(&a))
		return r;
	return gp_winreg_plan_set_dword(ctx, reg, SERVICE, "Start",
					START_DISABLED,
					"disable the QEMU guest agent service");
}

static const struct gp_check windows_qemu_ga_checks[] = {
	{ .id = "windows_qemu_ga.installed",
	  .summary = "the QEMU guest agent service (QEMU-GA) is absent",
	  .run = check_installed,
	  .fix = fix_installed },
	{ 0 },
};

const struct gp_plugin windows_qemu_ga_plugin = {
	.name = "windows_qemu_ga",
	.summary = "the QEMU guest agent must be absent from a Windows image",
	.targets = GP_TARGET_WINDOWS,
	.checks = windows_qemu_ga_checks,
};
