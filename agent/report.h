/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report: every finding of a run, in the order the checks made them,
 * and the verdict they add up to.  The report owns the findings.
 */
#ifndef GUESTPREP_REPORT_H
#define GUESTPREP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "guestprep/finding.h"

struct gp_report;

struct gp_finding {
	struct gp_report *report;	/* to record a lost allocation */
	char *id;
	const char *plugin;
	enum gp_status status;
	char *message;
	char **evidence;
	size_t n_evidence;
	char *remediation;
	bool fixable;
};

struct gp_report {
	struct gp_finding **findings;
	size_t n_findings;
	bool oom;		/* a finding or a part of one was lost */
};

enum gp_verdict {
	GP_VERDICT_READY,
	GP_VERDICT_WARNINGS,
	GP_VERDICT_NOT_READY,
};

/* Add a finding; takes @message.  NULL (and report->oom) on ENOMEM. */
struct gp_finding *report_add(struct gp_report *report, const char *plugin,
			      const char *id, enum gp_status status,
			      char *message);
void report_done(struct gp_report *report);

void report_count(const struct gp_report *report,
		  unsigned counts[GP_STATUS_MAX]);
/* Ready only with no failures and no errors; warnings say so. */
enum gp_verdict report_verdict(const struct gp_report *report);
const char *gp_verdict_name(enum gp_verdict verdict);

#endif
