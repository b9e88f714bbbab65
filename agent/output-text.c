/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text report: one line per finding, details under the ones that
 * need attention, the import parameters, and the verdict last, where
 * the eye lands.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "output.h"

#define ID_WIDTH 30

struct style {
	bool color;
	bool verbose;
};

static const char *status_color(enum gp_status s)
{
	static const char *const colors[GP_STATUS_MAX] = {
		[GP_PASS] = "\033[32m",
		[GP_SKIP] = "\033[2m",
		[GP_WARN] = "\033[33m",
		[GP_FAIL] = "\033[1;31m",
		[GP_ERROR] = "\033[1;35m",
	};

	return colors[s];
}

static void put_status(FILE *f, const struct style *st, enum gp_status s)
{
	char label[8];
	size_t i;

	for (i = 0; gp_status_name(s)[i] && i < sizeof(label) - 1; i++)
		label[i] = (char)(gp_status_name(s)[i] - 'a' + 'A');
	label[i] = '\0';
	if (st->color)
		fprintf(f, "%s%-5s\033[0m", status_color(s), label);
	else
		fprintf(f, "%-5s", label);
}

static void put_detail(FILE *f, const char *label, const char *text)
{
	fprintf(f, "      %-9s ", label);
	output_safe(f, text);
	fputc('\n', f);
}

static void write_finding(FILE *f, const struct style *st,
			  const struct gp_finding *fd)
{
	bool details = st->verbose || fd->status >= GP_WARN;
	int pad = ID_WIDTH - (int)strlen(fd->id);

	put_status(f, st, fd->status);
	fputc(' ', f);
	output_safe(f, fd->id);
	fprintf(f, "%*s ", pad > 0 ? pad : 0, "");
	output_safe(f, fd->message);
	fputc('\n', f);
	if (!details)
		return;
	for (size_t i = 0; i < fd->n_evidence; i++)
		put_detail(f, i ? "" : "evidence:", fd->evidence[i]);
	if (fd->remediation && fd->status != GP_PASS)
		put_detail(f, "fix:", fd->remediation);
	if (fd->fixable && fd->status != GP_PASS)
		put_detail(f, "", "(guestprep fix can do this)");
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

static void write_header(FILE *f, const struct gp_result *res)
{
	const struct gp_host *h = res->host;

	fprintf(f, "guestprep %s: %s of ", PACKAGE_VERSION, res->mode);
	output_safe(f, res->root);
	fprintf(f, " for profile %s\n", res->profile->name);
	fputs("System: ", f);
	output_safe(f, or_unknown(h->os.pretty ? h->os.pretty : h->os.id));
	fputs(" (", f);
	output_safe(f, or_unknown(h->os.id));
	fputc(' ', f);
	output_safe(f, or_unknown(h->os.version));
	fprintf(f, ", %s family), ", gp_os_family_name(h->os.family));
	output_safe(f, or_unknown(h->arch));
	fputs(", kernel ", f);
	output_safe(f, or_unknown(h->kernel));
	fprintf(f, ", %s boot\n\n", gp_boot_name(h->boot));
}

static void write_import(FILE *f, const struct gp_import *imp)
{
	fputs("\nImport parameters:\n", f);
	fprintf(f, "  Operating System  %s\n",
		!imp->os_type ? "unknown" :
		strcmp(imp->os_type, "windows") == 0 ? "Windows" : "Linux");
	fputs("  Platform          ", f);
	output_safe(f, or_unknown(imp->platform));
	fputs("\n  Architecture      ", f);
	output_safe(f, imp->architecture ? imp->architecture : "unsupported or unknown");
	if (imp->system_disk_gib)
		fprintf(f, "\n  System Disk Size  %llu GiB\n",
			(unsigned long long)imp->system_disk_gib);
	else
		fputs("\n  System Disk Size  the disk's virtual size (unknown here)\n", f);
	fprintf(f, "  Image Format      %s\n", or_unknown(imp->format));
}

static void write_verdict(FILE *f, const struct style *st,
			  const struct gp_report *report)
{
	static const char *const words[] = {
		[GP_VERDICT_READY] = "READY",
		[GP_VERDICT_WARNINGS] = "READY WITH WARNINGS",
		[GP_VERDICT_NOT_READY] = "NOT READY",
	};
	static const enum gp_status shade[] = {
		[GP_VERDICT_READY] = GP_PASS,
		[GP_VERDICT_WARNINGS] = GP_WARN,
		[GP_VERDICT_NOT_READY] = GP_FAIL,
	};
	enum gp_verdict v = report_verdict(report);
	unsigned n[GP_STATUS_MAX];

	report_count(report, n);
	fputc('\n', f);
	if (st->color)
		fprintf(f, "%s%s\033[0m", status_color(shade[v]), words[v]);
	else
		fputs(words[v], f);
	fprintf(f, ": %u passed, %u warnings, %u failed, %u skipped, %u errors\n",
		n[GP_PASS], n[GP_WARN], n[GP_FAIL], n[GP_SKIP], n[GP_ERROR]);
}

int output_text(FILE *f, const struct gp_result *res, bool color,
		bool verbose)
{
	struct style st = { .color = color, .verbose = verbose };

	write_header(f, res);
	for (size_t i = 0; i < res->report->n_findings; i++)
		write_finding(f, &st, res->report->findings[i]);
	if (res->report->n_findings == 0)
		fputs("(no checks were selected)\n", f);
	if (res->plan)
		output_plan_text(f, res);
	write_import(f, &res->import);
	write_verdict(f, &st, res->report);
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
