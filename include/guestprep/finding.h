/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Findings: what a check saw.
 *
 * A check never prints.  It calls gp_emit() once per thing it judged and
 * decorates the finding with evidence (what file or value it saw), a
 * remediation, and whether a fixer can mend it.  The report owns every
 * finding; the pointer gp_emit() returns stays valid for the whole run.
 *
 * Finding ids are stable (tools select on them): the check's id, or the
 * check's id followed by ".something".  A finding is not an error: the
 * run itself fails only when a check returns a negative errno.
 *
 * Out of memory is recorded in the report (the run then ends with the
 * internal-error exit code), so gp_emit() may return NULL and the
 * decorating functions accept NULL.
 */
#ifndef GUESTPREP_FINDING_H
#define GUESTPREP_FINDING_H

#include <stdbool.h>
#include "guestprep/macro.h"

struct gp_ctx;
struct gp_finding;

/* Ordered from best to worst: the report's verdict takes the worst. */
enum gp_status {
	GP_PASS,
	GP_SKIP,
	GP_WARN,
	GP_FAIL,
	GP_ERROR,
	GP_STATUS_MAX,
};

/* "pass", "warn", ... as in the JSON report. */
const char *gp_status_name(enum gp_status status);

struct gp_finding *gp_emit(struct gp_ctx *ctx, const char *id,
			   enum gp_status status, const char *fmt, ...)
	_printf_(4, 5);
void gp_evidence(struct gp_finding *f, const char *fmt, ...) _printf_(2, 3);
void gp_remedy(struct gp_finding *f, const char *fmt, ...) _printf_(2, 3);
void gp_set_fixable(struct gp_finding *f, bool fixable);

#endif
