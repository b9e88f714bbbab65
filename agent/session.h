/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session: what every command that looks at a system sets up the same
 * way (configuration and profile, the root, the host facts, the
 * capability drop), and the report writing and exit codes they share.
 * Functions that return an int give 0 to go on, or the exit code to end
 * with, the error already logged.
 */
#ifndef GUESTPREP_SESSION_H
#define GUESTPREP_SESSION_H

#include "cli.h"
#include "output.h"
#include "runner.h"

struct gp_session {
	struct gp_options *opts;
	struct gp_profile *profile;
	struct gp_root *root;
	struct gp_host host;
	struct gp_report report;
	struct gp_ctx ctx;
	char *checks_dir;	/* --checks-dir, absolute */
};

/* @writable: fix mode, with the capabilities and root that needs. */
int session_open(struct gp_session *s, struct gp_options *o, bool writable);
/* Run the selected checks into s->report (emptied first). */
int session_check(struct gp_session *s);
/* Write @res to standard output or --output; the verdict's exit code. */
int session_write(struct gp_session *s, struct gp_result *res);
void session_close(struct gp_session *s);

int exit_code_for(const struct gp_report *report);
int usage_error(const char *what);
int internal_error(const char *what, int err);

#endif
