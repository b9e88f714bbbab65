/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "guestprep/winreg.h"
#include "extchecks.h"
#include "runner.h"
#include "util.h"

const struct gp_root *gp_ctx_root(const struct gp_ctx *ctx)
{
	return ctx->root;
}

const struct gp_host *gp_ctx_host(const struct gp_ctx *ctx)
{
	return ctx->host;
}

const struct gp_profile *gp_ctx_profile(const struct gp_ctx *ctx)
{
	return ctx->profile;
}

bool gp_ctx_remove_packages(const struct gp_ctx *ctx)
{
	return ctx->remove_packages;
}

char *const *gp_ctx_disks(const struct gp_ctx *ctx)
{
	static char *const none[] = { NULL };

	return ctx->disks ? ctx->disks : none;
}

void gp_ctx_set_system_disk_bytes(struct gp_ctx *ctx, uint64_t bytes)
{
	ctx->system_disk_bytes = bytes;
}

void gp_ctx_set_import_platform(struct gp_ctx *ctx, const char *platform)
{
	ctx->import_platform = platform;
}

/* windows: winreg.  Opened on first use; see runner_winreg_close(). */
struct gp_winreg *gp_ctx_winreg(struct gp_ctx *ctx)
{
	int r;

	if (!ctx->winreg_tried) {
		ctx->winreg_tried = true;
		r = gp_winreg_open(ctx->root, &ctx->winreg);
		ctx->winreg_error = r < 0 ? r : 0;
		if (r < 0 && r != -ENOENT)
			gp_log(GP_LOG_WARNING, "the registry: %s", strerror(-r));
	}
	return ctx->winreg;
}

/* windows: winreg.  The end of a run: the next one opens it anew. */
static void runner_winreg_close(struct gp_ctx *ctx)
{
	gp_winreg_close(ctx->winreg);
	ctx->winreg = NULL;
	ctx->winreg_tried = false;
}

static bool any_above(char *const *patterns, const char *id)
{
	for (size_t i = 0; patterns && patterns[i]; i++)
		if (id_beneath(id, patterns[i]))
			return true;
	return false;
}

static bool any_related(char *const *patterns, const char *id)
{
	for (size_t i = 0; patterns && patterns[i]; i++)
		if (id_beneath(id, patterns[i]) || id_beneath(patterns[i], id))
			return true;
	return false;
}

bool runner_check_selected(const struct gp_ctx *ctx, const char *check_id)
{
	if (strv_length(ctx->only) > 0 && !any_related(ctx->only, check_id))
		return false;
	return !any_above(ctx->skip, check_id);
}

/* A finding is kept when --only names it or something above it. */
static bool finding_selected(const struct gp_ctx *ctx, const char *id)
{
	if (strv_length(ctx->only) > 0 && !any_above(ctx->only, id))
		return false;
	return !any_above(ctx->skip, id);
}

static bool pattern_known(const char *pattern)
{
	/* Site checks are found at run time: any name beneath "site" may be. */
	if (id_beneath(pattern, EXTCHECKS_PLUGIN))
		return true;
	for (size_t i = 0; gp_plugins[i]; i++) {
		const struct gp_plugin *p = gp_plugins[i];

		if (id_beneath(p->name, pattern) || id_beneath(pattern, p->name))
			for (const struct gp_check *c = p->checks; c->id; c++)
				if (id_beneath(c->id, pattern) ||
				    id_beneath(pattern, c->id))
					return true;
	}
	return false;
}

const char *runner_unknown_pattern(char *const *patterns)
{
	for (size_t i = 0; patterns && patterns[i]; i++)
		if (!pattern_known(patterns[i]))
			return patterns[i];
	return NULL;
}

bool runner_plugin_applies(const struct gp_plugin *plugin,
			   const struct gp_host *host)
{
	enum gp_os_kind kind = host->os.kind;

	/* An unidentified system is most likely a Linux one. */
	if (kind == GP_KIND_UNKNOWN)
		kind = GP_KIND_LINUX;
	return plugin->targets & GP_TARGET(kind);
}

struct gp_finding *runner_add_finding(struct gp_ctx *ctx, const char *id,
				      enum gp_status status, char *message)
{
	if (!ctx->check) {
		gp_log(GP_LOG_ERR, "finding %s reported outside a check", id);
		free(message);
		return NULL;
	}
	/* A finding outside its check's name space is a bug in the plugin. */
	if (!id_beneath(id, ctx->check->id)) {
		gp_log(GP_LOG_ERR, "check %s reported foreign finding %s",
		       ctx->check->id, id);
		free(message);
		return report_add(ctx->report, ctx->plugin->name,
				  ctx->check->id, GP_ERROR,
				  strprintf("internal error: finding %s", id));
	}
	if (status >= GP_STATUS_MAX)
		status = GP_ERROR;
	if (!finding_selected(ctx, id)) {
		free(message);
		return NULL;
	}
	return report_add(ctx->report, ctx->plugin->name, id, status, message);
}

static void run_check(struct gp_ctx *ctx, const struct gp_check *check)
{
	size_t before = ctx->report->n_findings;
	int r;

	ctx->check = check;
	gp_debug("running %s", check->id);
	r = check->run(ctx);
	if (r < 0) {
		struct gp_finding *f;

		f = gp_emit(ctx, check->id, GP_ERROR, "the check could not run: %s",
			    strerror(-r));
		gp_remedy(f, "run with -v for details and report a bug if the "
			     "cause is not on this system");
	} else if (ctx->report->n_findings == before) {
		gp_debug("%s reported nothing", check->id);
	}
	ctx->check = NULL;
}

int runner_run(struct gp_ctx *ctx)
{
	const struct gp_plugin *const *plugins =
		ctx->plugins ? ctx->plugins : gp_plugins;

	for (size_t i = 0; plugins[i]; i++) {
		const struct gp_plugin *p = plugins[i];

		if (!runner_plugin_applies(p, ctx->host)) {
			gp_debug("plugin %s does not apply to %s systems",
				 p->name, gp_os_kind_name(ctx->host->os.kind));
			continue;
		}
		ctx->plugin = p;
		for (const struct gp_check *c = p->checks; c->id; c++)
			if (runner_check_selected(ctx, c->id))
				run_check(ctx, c);
	}
	ctx->plugin = NULL;
	/* Site checks last; tests that give their own plugins leave them out. */
	if (!ctx->plugins && runner_check_selected(ctx, EXTCHECKS_PLUGIN))
		extchecks_run(ctx);
	runner_winreg_close(ctx);
	return ctx->report->oom ? -ENOMEM : 0;
}

/* Whether @check reported something its fixer is meant to mend. */
static bool needs_fix(const struct gp_report *report,
		      const struct gp_check *check)
{
	for (size_t i = 0; i < report->n_findings; i++) {
		const struct gp_finding *f = report->findings[i];

		if (f->fixable && f->status > GP_SKIP &&
		    id_beneath(f->id, check->id))
			return true;
	}
	return false;
}

int runner_plan_fixes(struct gp_ctx *ctx)
{
	const struct gp_plugin *const *plugins =
		ctx->plugins ? ctx->plugins : gp_plugins;

	for (size_t i = 0; plugins[i]; i++) {
		const struct gp_plugin *p = plugins[i];

		if (!runner_plugin_applies(p, ctx->host))
			continue;
		ctx->plugin = p;
		for (const struct gp_check *c = p->checks; c->id; c++) {
			int r;

			if (!c->fix || !runner_check_selected(ctx, c->id) ||
			    !needs_fix(ctx->report, c))
				continue;
			ctx->check = c;
			gp_debug("planning the fix of %s", c->id);
			r = c->fix(ctx);
			ctx->check = NULL;
			if (r < 0) {
				gp_log(GP_LOG_ERR, "%s: no fix could be planned: %s",
				       c->id, strerror(-r));
				ctx->plugin = NULL;
				runner_winreg_close(ctx);
				return r;
			}
		}
	}
	ctx->plugin = NULL;
	runner_winreg_close(ctx);
	return 0;
}
