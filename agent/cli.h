/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command line and configuration file: what the user asked for.  The
 * configuration file (SYSCONFDIR/guestprep/guestprep.conf or --config)
 * sets defaults; options on the command line win.
 */
#ifndef GUESTPREP_CLI_H
#define GUESTPREP_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "output.h"

/* Exit codes: documented in README.md and guestprep --help. */
enum {
	GP_EXIT_READY = 0,
	GP_EXIT_WARNINGS = 1,
	GP_EXIT_NOT_READY = 2,
	GP_EXIT_USAGE = 64,	/* as EX_USAGE */
	GP_EXIT_INTERNAL = 70,	/* as EX_SOFTWARE */
};

enum gp_command {
	GP_CMD_CHECK,
	GP_CMD_LIST,
	GP_CMD_VERSION,
	GP_CMD_HELP,
	GP_CMD_FIX,
	GP_CMD_UNDO,
	GP_CMD_HISTORY,
	GP_CMD_PASSWORD,
};

enum gp_format {
	GP_FORMAT_TEXT,
	GP_FORMAT_JSON,
};

struct gp_options {
	enum gp_command command;
	char *root;
	char *profile;
	char *config;		/* NULL: the default file, which may be absent */
	enum gp_format format;
	char *output;
	char **only;
	char **skip;
	char **set;		/* "key=value" profile overrides */
	char **disks;		/* --disk: system disk first, then data disks */
	enum gp_color color;
	bool verbose;
	/* fix and undo */
	bool dry_run;
	bool yes;
	bool remove_packages;
	bool force;		/* undo: put back what changed since the run */
	bool chroot;		/* run guest commands chrooted in --root */
	char *run_id;		/* undo RUN-ID */
	/* site checks (agent/extchecks.h) */
	char *checks_dir;	/* --checks-dir: trusted, on the host */
	unsigned checks_timeout; /* --checks-timeout seconds, 0: default */
	/* Which settings the command line gave (they beat the config). */
	bool has_format, has_color, has_only, has_skip;
};

/* 0, or -EINVAL with *ret_error set; -ENOMEM. */
int cli_parse(int argc, char **argv, struct gp_options *ret,
	      char **ret_error);
void cli_done(struct gp_options *opts);
void cli_help(FILE *f);

struct gp_profile;

/*
 * Read the configuration file into @opts (where the command line left a
 * setting open) and load the profile it and the command line name, with
 * every override applied.  Errors name the file and line.
 */
int conf_load(struct gp_options *opts, struct gp_profile **ret_profile,
	      char **ret_error);

#endif
