/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "report.h"
#include "runner.h"
#include "util.h"

static const char *const status_names[GP_STATUS_MAX] = {
	[GP_PASS] = "pass",
	[GP_SKIP] = "skip",
	[GP_WARN] = "warn",
	[GP_FAIL] = "fail",
	[GP_ERROR] = "error",
};

const char *gp_status_name(enum gp_status status)
{
	return status < GP_STATUS_MAX ? status_names[status] : "unknown";
}

struct gp_finding *report_add(struct gp_report *report, const char *plugin,
			      const char *id, enum gp_status status,
			      char *message)
{
	struct gp_finding **list, *f;

	f = calloc(1, sizeof(*f));
	list = realloc(report->findings,
		       /* An array of pointers: sizeof(*list) is meant. */
		       /* NOLINTNEXTLINE(bugprone-sizeof-expression) */
		       (report->n_findings + 1) * sizeof(*list));
	if (list)
		report->findings = list;
	if (!f || !list || !message || !(f->id = strdup(id))) {
		free(f);
		free(message);
		report->oom = true;
		return NULL;
	}
	f->report = report;
	f->plugin = plugin;
	f->status = status;
	f->message = message;
	list[report->n_findings++] = f;
	return f;
}

static void finding_free(struct gp_finding *f)
{
	free(f->id);
	free(f->message);
	strv_free_n(f->evidence, f->n_evidence);
	free(f->remediation);
	free(f);
}

void report_done(struct gp_report *report)
{
	for (size_t i = 0; i < report->n_findings; i++)
		finding_free(report->findings[i]);
	free(report->findings);
	*report = (struct gp_report){ 0 };
}

void report_count(const struct gp_report *report,
		  unsigned counts[GP_STATUS_MAX])
{
	memset(counts, 0, GP_STATUS_MAX * sizeof(counts[0]));
	for (size_t i = 0; i < report->n_findings; i++)
		counts[report->findings[i]->status]++;
}

enum gp_verdict report_verdict(const struct gp_report *report)
{
	unsigned n[GP_STATUS_MAX];

	report_count(report, n);
	/* A check that could not run cannot vouch for the image. */
	if (n[GP_FAIL] || n[GP_ERROR])
		return GP_VERDICT_NOT_READY;
	return n[GP_WARN] ? GP_VERDICT_WARNINGS : GP_VERDICT_READY;
}

const char *gp_verdict_name(enum gp_verdict verdict)
{
	static const char *const names[] = {
		[GP_VERDICT_READY] = "ready",
		[GP_VERDICT_WARNINGS] = "warnings",
		[GP_VERDICT_NOT_READY] = "not-ready",
	};

	return names[verdict];
}

/* The plugin-facing half: gp_emit() and the decorators. */

struct gp_finding *gp_emit(struct gp_ctx *ctx, const char *id,
			   enum gp_status status, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vstrprintf(fmt, ap);
	va_end(ap);
	return runner_add_finding(ctx, id, status, msg);
}

void gp_evidence(struct gp_finding *f, const char *fmt, ...)
{
	char **list, *s;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	s = vstrprintf(fmt, ap);
	va_end(ap);
	list = s ? realloc(f->evidence, (f->n_evidence + 1) * sizeof(*list))
		 : NULL;
	if (!list) {
		free(s);
		f->report->oom = true;
		return;
	}
	f->evidence = list;
	list[f->n_evidence++] = s;
}

void gp_remedy(struct gp_finding *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!f)
		return;
	va_start(ap, fmt);
	s = vstrprintf(fmt, ap);
	va_end(ap);
	if (!s) {
		f->report->oom = true;
		return;
	}
	free(f->remediation);
	f->remediation = s;
}

void gp_set_fixable(struct gp_finding *f, bool fixable)
{
	if (f)
		f->fixable = fixable;
}
