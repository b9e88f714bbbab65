/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run loop: which checks run (--only, --skip, the system's kind),
 * the context they see, and the findings they add to the report.
 */
#ifndef GUESTPREP_RUNNER_H
#define GUESTPREP_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include "guestprep/plugin.h"
#include "change.h"
#include "report.h"

struct gp_ctx {
	const struct gp_root *root;
	const struct gp_host *host;
	const struct gp_profile *profile;
	struct gp_report *report;
	const struct gp_plugin *const *plugins;	/* NULL: gp_plugins */
	char *const *only;		/* selection patterns, may be NULL */
	char *const *skip;
	const struct gp_plugin *plugin;	/* the check running now */
	const struct gp_check *check;
	uint64_t system_disk_bytes;	/* 0: unknown */
	const char *import_platform;	/* NULL: the host's os.platform */
	struct gp_plan *plan;		/* fix mode: where fixers plan */
	bool remove_packages;		/* fix --remove-packages */
	char *const *disks;		/* --disk paths, may be NULL */
	/* Site checks (extchecks.h): --checks-dir (absolute), --checks-timeout */
	const char *checks_dir;		/* NULL: the live root's checks.d */
	unsigned checks_timeout_sec;	/* 0: EXTCHECKS_TIMEOUT_SEC */
	/*
	 * windows: winreg.  gp_ctx_winreg() opens the registry once and
	 * runner_run() / runner_plan_fixes() close it when they end, so a
	 * re-check after a fix reads the hives anew.
	 */
	struct gp_winreg *winreg;
	bool winreg_tried;
	int winreg_error;	/* why it is NULL: -ENOENT, -EOPNOTSUPP... */
};

/* The plugins compiled in, NULL-terminated (agent/registry.c). */
extern const struct gp_plugin *const gp_plugins[];

/*
 * Patterns name a plugin, a check or a finding: "os", "selinux.config".
 * A check runs when --only names it, something above it or something
 * beneath it, and --skip names neither it nor something above it.
 */
bool runner_check_selected(const struct gp_ctx *ctx, const char *check_id);
/* The first pattern that names no check, or NULL when all do. */
const char *runner_unknown_pattern(char *const *patterns);

bool runner_plugin_applies(const struct gp_plugin *plugin,
			   const struct gp_host *host);

/* Run every selected check; 0, or -ENOMEM when findings were lost. */
int runner_run(struct gp_ctx *ctx);

/*
 * Fix mode: call the fixer of every check that has a fixable finding
 * worse than "pass" in ctx->report; the changes go to ctx->plan.
 */
int runner_plan_fixes(struct gp_ctx *ctx);

struct gp_finding *runner_add_finding(struct gp_ctx *ctx, const char *id,
				      enum gp_status status, char *message);

#endif
