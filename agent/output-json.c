/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "json.h"
#include "output.h"

static void write_os(struct json *j, const struct gp_os *os)
{
	json_object_begin(j, "os");
	json_string(j, "family", gp_os_family_name(os->family));
	json_string(j, "kind", gp_os_kind_name(os->kind));
	json_string(j, "id", os->id);
	json_string(j, "version", os->version);
	json_string(j, "pretty", os->pretty);
	json_string(j, "platform", os->platform);
	json_bool(j, "supported", os->support == GP_SUPPORT_YES);
	json_string(j, "support", gp_support_name(os->support));
	json_string(j, "source", os->source);
	/* windows: winreg.  Windows only (null elsewhere). */
	json_string(j, "edition", os->edition);
	json_string(j, "installation_type", os->installation_type);
	json_array_begin(j, "notes");
	for (size_t i = 0; os->notes && os->notes[i]; i++)
		json_string(j, NULL, os->notes[i]);
	json_array_end(j);
	json_object_end(j);
}

static void write_host(struct json *j, const struct gp_host *host)
{
	json_object_begin(j, "host");
	write_os(j, &host->os);
	json_string(j, "arch", host->arch);
	json_string(j, "kernel", host->kernel);
	json_string(j, "boot", gp_boot_name(host->boot));
	json_bool(j, "live", host->live);
	json_object_end(j);
}

static void write_finding(struct json *j, const struct gp_finding *f)
{
	json_object_begin(j, NULL);
	json_string(j, "id", f->id);
	json_string(j, "plugin", f->plugin);
	json_string(j, "status", gp_status_name(f->status));
	json_string(j, "message", f->message);
	json_array_begin(j, "evidence");
	for (size_t i = 0; i < f->n_evidence; i++)
		json_string(j, NULL, f->evidence[i]);
	json_array_end(j);
	json_string(j, "remediation", f->remediation);
	json_bool(j, "fixable", f->fixable);
	json_object_end(j);
}

static void write_summary(struct json *j, const char *key,
			  const struct gp_report *report, bool changed)
{
	unsigned n[GP_STATUS_MAX];

	report_count(report, n);
	json_object_begin(j, key);
	json_string(j, "verdict", gp_verdict_name(report_verdict(report)));
	for (int s = 0; s < GP_STATUS_MAX; s++)
		json_uint(j, gp_status_name(s), n[s]);
	json_bool(j, "changed", changed);
	json_object_end(j);
}

static void write_import(struct json *j, const struct gp_import *imp)
{
	json_object_begin(j, "import");
	json_string(j, "platform", imp->platform);
	json_string(j, "os_type", imp->os_type);
	json_string(j, "architecture", imp->architecture);
	if (imp->system_disk_gib)
		json_uint(j, "system_disk_gib", imp->system_disk_gib);
	else
		json_null(j, "system_disk_gib");
	json_string(j, "format", imp->format);
	json_object_end(j);
}

int output_json(FILE *f, const struct gp_result *res)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_string(&j, "schema", GP_REPORT_SCHEMA);
	json_object_begin(&j, "tool");
	json_string(&j, "name", PACKAGE_NAME);
	json_string(&j, "version", PACKAGE_VERSION);
	json_object_end(&j);
	json_string(&j, "mode", res->mode);
	json_string(&j, "profile", res->profile->name);
	json_string(&j, "root", res->root);
	write_host(&j, res->host);
	json_array_begin(&j, "findings");
	for (size_t i = 0; i < res->report->n_findings; i++)
		write_finding(&j, res->report->findings[i]);
	json_array_end(&j);
	output_plan_json(&j, res);
	write_summary(&j, "summary", res->report, res->changed);
	if (res->before) {
		/* What the checks said before the fix was applied. */
		write_summary(&j, "before", res->before, false);
		json_string(&j, "run_id", res->run_id);
		json_bool(&j, "dry_run", res->dry_run);
	}
	write_import(&j, &res->import);
	json_object_end(&j);
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
