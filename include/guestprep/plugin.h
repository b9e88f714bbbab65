/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plugins: the areas of checks.
 *
 * Each plugin file keeps everything static and exports exactly one
 * `const struct gp_plugin NAME_plugin`, listed once in agent/registry.c.
 * A check is a function that looks at the system through the context
 * (root-confined files, host facts, the profile) and reports findings
 * with gp_emit().  It returns 0, or a negative errno when it could not
 * run at all; the runner turns that into an "error" finding.
 */
#ifndef GUESTPREP_PLUGIN_H
#define GUESTPREP_PLUGIN_H

#include <stdint.h>
#include "guestprep/finding.h"
#include "guestprep/fix.h"
#include "guestprep/host.h"
#include "guestprep/log.h"
#include "guestprep/profile.h"
#include "guestprep/root.h"

struct gp_ctx;

struct gp_check {
	const char *id;		/* "selinux.config": plugin name, '.', name */
	const char *summary;	/* one line for `guestprep list` */
	int (*run)(struct gp_ctx *ctx);
	/*
	 * Optional: plan the changes that mend this check's fixable
	 * findings (see fix.h).  0, or a negative errno when no plan
	 * could be made.
	 */
	int (*fix)(struct gp_ctx *ctx);
};

/* Which systems a plugin applies to (enum gp_os_kind as bits). */
#define GP_TARGET(kind) (1u << (kind))
#define GP_TARGET_LINUX GP_TARGET(GP_KIND_LINUX)
#define GP_TARGET_WINDOWS GP_TARGET(GP_KIND_WINDOWS)
#define GP_TARGET_FREEBSD GP_TARGET(GP_KIND_FREEBSD)

struct gp_plugin {
	const char *name;	/* snake case; every finding id starts with it */
	const char *summary;
	unsigned targets;	/* GP_TARGET_* bits */
	const struct gp_check *checks;	/* ends with an entry whose id is NULL */
};

const struct gp_root *gp_ctx_root(const struct gp_ctx *ctx);
const struct gp_host *gp_ctx_host(const struct gp_ctx *ctx);
const struct gp_profile *gp_ctx_profile(const struct gp_ctx *ctx);

/* Fix mode: whether packages may be removed (--remove-packages). */
bool gp_ctx_remove_packages(const struct gp_ctx *ctx);

/*
 * Disk images or block devices given with --disk, NULL-terminated (never
 * NULL): the first is the system disk, the others data disks.  Host
 * paths, outside the root: an offline tree has no device to find.
 */
char *const *gp_ctx_disks(const struct gp_ctx *ctx);

/*
 * windows: winreg.  The registry of the system (winreg.h), opened on
 * first use and closed when the run of the checks or fixers ends; NULL
 * when the system has none.  A damaged hive is told by the calls.
 */
struct gp_winreg;
struct gp_winreg *gp_ctx_winreg(struct gp_ctx *ctx);

/* Facts a plugin learns that the import parameters need. */
void gp_ctx_set_system_disk_bytes(struct gp_ctx *ctx, uint64_t bytes);
/*
 * The import form's platform, when a plugin knows it better than the
 * profile's platform table (which classifies by os-release id): a
 * Windows Server release.  @platform must outlive the run (a profile
 * string).
 */
void gp_ctx_set_import_platform(struct gp_ctx *ctx, const char *platform);

#endif
