/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Report writers: text for people, JSON for tools (schema
 * "guestprep-report/1", documented in README.md).  Every message meant
 * for people about a run's result is built here.
 */
#ifndef GUESTPREP_OUTPUT_H
#define GUESTPREP_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "guestprep/host.h"
#include "guestprep/profile.h"
#include "change.h"
#include "report.h"

#define GP_REPORT_SCHEMA "guestprep-report/1"

/* What the user enters in the cloud's import form. */
struct gp_import {
	const char *platform;
	const char *os_type;		/* "linux", "windows", NULL */
	const char *architecture;	/* "x86_64", "i386", NULL */
	uint64_t system_disk_gib;	/* 0: unknown */
	const char *format;
};

struct gp_result {
	const char *mode;		/* "check" or "fix" */
	const struct gp_profile *profile;
	const char *root;
	const struct gp_host *host;
	const struct gp_report *report;	/* after a fix: the re-check */
	struct gp_import import;
	/* fix mode */
	const struct gp_plan *plan;
	const struct gp_report *before;	/* the checks the plan was made from */
	const char *run_id;		/* the journal's run, once applied */
	bool dry_run;
	bool changed;
};

/* @platform: what a plugin set (gp_ctx_set_import_platform), or NULL. */
void result_fill_import(struct gp_result *res, uint64_t system_disk_bytes,
			const char *platform);

enum gp_color {
	GP_COLOR_AUTO,
	GP_COLOR_ALWAYS,
	GP_COLOR_NEVER,
};

/* 0, or -EIO when the stream failed. */
int output_json(FILE *f, const struct gp_result *res);
int output_text(FILE *f, const struct gp_result *res, bool color,
		bool verbose);

/* The plan and what became of it (output-plan.c). */
void output_plan_text(FILE *f, const struct gp_result *res);
struct json;
void output_plan_json(struct json *j, const struct gp_result *res);
/* The unified diff of a file change, or NULL (caller frees). */
char *change_diff(const struct gp_change *c);

/*
 * Write @s for a terminal: control characters and bytes that are not
 * UTF-8 become \n, \xNN, so a hostile file name cannot drive the terminal.
 */
void output_safe(FILE *f, const char *s);

#endif
