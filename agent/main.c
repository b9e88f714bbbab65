/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestprep: check a server before its disk is imported into a cloud.
 *
 * main() reads the command line and hands over to the command: check
 * and list here, fix, undo and history in fixrun.c, all set up by
 * session.c.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "guestprep/log.h"
#include "extchecks.h"
#include "fixrun.h"
#include "password.h"
#include "session.h"

/*
 * "guestprep 0.1.0", which scripts parse, then the optional features this
 * build has ("features: hivex"), or "features: none": a guestprep built
 * without hivex cannot read a Windows registry.
 */
static void print_version(FILE *f)
{
	static const char *const features[] = {
#ifdef HAVE_HIVEX
		"hivex",
#endif
#ifdef _WIN32
		"win32",	/* windows: mingw.  The live registry. */
#endif
		NULL
	};

	fprintf(f, "%s %s\nfeatures:", PACKAGE_NAME, PACKAGE_VERSION);
	for (size_t i = 0; features[i]; i++)
		fprintf(f, " %s", features[i]);
	fputs(features[0] ? "\n" : " none\n", f);
}

static void list_plugins(FILE *f)
{
	for (size_t i = 0; gp_plugins[i]; i++) {
		const struct gp_plugin *p = gp_plugins[i];

		fprintf(f, "%-16s %s\n", p->name, p->summary);
		for (const struct gp_check *c = p->checks; c->id; c++)
			fprintf(f, "  %-28s %s\n", c->id, c->summary);
	}
}

/*
 * The plugins and their checks, then the site checks this run would
 * find: the session is set up as for check (configuration, --root,
 * --checks-dir), so the list is what check would run, but nothing runs.
 */
static int run_list(struct gp_options *o)
{
	struct gp_session s;
	int rc;

	rc = session_open(&s, o, false);
	if (rc == 0) {
		list_plugins(stdout);
		if (extchecks_list(stdout, s.root, s.checks_dir) < 0)
			rc = internal_error("standard output", EIO);
	}
	session_close(&s);
	return rc;
}

static int run_check(struct gp_options *o)
{
	struct gp_session s;
	struct gp_result res = { .mode = "check" };
	int rc;

	rc = session_open(&s, o, false);
	if (rc == 0)
		rc = session_check(&s);
	if (rc == 0) {
		res.report = &s.report;
		rc = session_write(&s, &res);
	}
	session_close(&s);
	return rc;
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *error = NULL;
	struct gp_options opts;
	int rc;

	if (cli_parse(argc, argv, &opts, &error) < 0)
		return usage_error(error);
	if (opts.verbose)
		gp_log_set_level(GP_LOG_DEBUG);

	switch (opts.command) {
	case GP_CMD_HELP:
		cli_help(stdout);
		rc = GP_EXIT_READY;
		break;
	case GP_CMD_VERSION:
		print_version(stdout);
		rc = GP_EXIT_READY;
		break;
	case GP_CMD_LIST:
		rc = run_list(&opts);
		break;
	case GP_CMD_FIX:
		rc = fix_run(&opts);
		break;
	case GP_CMD_UNDO:
		rc = fix_undo(&opts);
		break;
	case GP_CMD_HISTORY:
		rc = fix_history(&opts);
		break;
	case GP_CMD_PASSWORD:
		/* From standard input only, never the command line. */
		rc = password_command(STDIN_FILENO, stdout, stderr,
				      opts.format == GP_FORMAT_JSON);
		break;
	default:
		rc = run_check(&opts);
		break;
	}
	cli_done(&opts);
	if (fflush(stdout) != 0 && rc < GP_EXIT_USAGE)
		rc = internal_error("standard output", errno);
	return rc;
}
