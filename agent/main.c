/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestprep: check a server before its disk is imported into a cloud.
 *
 * main() only wires the pieces together: options and configuration, the
 * root and the host facts, the capability drop, the run, the report and
 * the exit code.  It is the one place that prints for people outside
 * the report writers.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "guestprep/log.h"
#include "caps.h"
#include "cli.h"
#include "output.h"
#include "runner.h"
#include "sys.h"
#include "util.h"

static int usage_error(const char *what)
{
	gp_log(GP_LOG_ERR, "%s", what ? what : "out of memory");
	return GP_EXIT_USAGE;
}

static int internal_error(const char *what, int err)
{
	gp_log(GP_LOG_ERR, "%s: %s", what, strerror(err < 0 ? -err : err));
	return GP_EXIT_INTERNAL;
}

static void list_plugins(FILE *f)
{
	for (size_t i = 0; gp_plugins[i]; i++) {
		const struct gp_plugin *p = gp_plugins[i];

		fprintf(f, "%-14s %s\n", p->name, p->summary);
		for (const struct gp_check *c = p->checks; c->id; c++)
			fprintf(f, "  %-28s %s\n", c->id, c->summary);
	}
}

static bool want_color(const struct gp_options *o, FILE *f)
{
	const char *no_color = getenv("NO_COLOR");

	if (o->color != GP_COLOR_AUTO)
		return o->color == GP_COLOR_ALWAYS;
	return f == stdout && gp_sys_isatty(STDOUT_FILENO) &&
	       !(no_color && *no_color);
}

static int write_report(FILE *f, const struct gp_options *o,
			const struct gp_result *res)
{
	if (o->format == GP_FORMAT_JSON)
		return output_json(f, res);
	return output_text(f, res, want_color(o, f), o->verbose);
}

/*
 * --output: write next to the target and rename over it, so a reader
 * (a configuration-management run) never sees half a report.
 */
static int write_report_file(const struct gp_options *o,
			     const struct gp_result *res)
{
	_cleanup_free_ char *tmp = strprintf("%s.XXXXXX", o->output);
	_cleanup_fclose_ FILE *f = NULL;
	int fd, r;

	if (!tmp)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	r = fchmod(fd, 0644) < 0 ? -errno : write_report(f, o, res);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, o->output) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static int exit_code(const struct gp_report *report)
{
	switch (report_verdict(report)) {
	case GP_VERDICT_READY:
		return GP_EXIT_READY;
	case GP_VERDICT_WARNINGS:
		return GP_EXIT_WARNINGS;
	default:
		return GP_EXIT_NOT_READY;
	}
}

/* Identify the system and tell the profile's verdict on it. */
static int detect_host(const struct gp_root *root,
		       const struct gp_profile *profile, struct gp_host *host)
{
	int r = gp_host_detect(root, host);

	if (r < 0)
		return r;
	host->os.support = gp_profile_classify(profile, &host->os,
					       &host->os.platform);
	gp_debug("system: %s %s (%s), platform %s, support %s",
		 host->os.id ? host->os.id : "unknown",
		 host->os.version ? host->os.version : "",
		 gp_os_family_name(host->os.family),
		 host->os.platform ? host->os.platform : "none",
		 gp_support_name(host->os.support));
	return 0;
}

static int drop_caps(void)
{
	_cleanup_free_ char *now = NULL;
	int r = caps_drop_for_check();

	if (r < 0)
		return r;
	now = caps_describe();
	gp_debug("capabilities now: %s", now ? now : "?");
	return 0;
}

static int run_check(struct gp_options *o)
{
	_cleanup_free_ char *error = NULL;
	struct gp_profile *profile = NULL;
	struct gp_root *root = NULL;
	struct gp_report report = { 0 };
	struct gp_host host = { 0 };
	struct gp_ctx ctx = { 0 };
	struct gp_result res;
	const char *bad;
	int r, rc;

	r = conf_load(o, &profile, &error);
	if (r < 0)
		return r == -ENOMEM ? internal_error("configuration", r)
				    : usage_error(error);
	bad = runner_unknown_pattern(o->only);
	if (!bad)
		bad = runner_unknown_pattern(o->skip);
	if (bad) {
		gp_log(GP_LOG_ERR, "no check is named \"%s\" (see guestprep list)",
		       bad);
		rc = GP_EXIT_USAGE;
		goto out;
	}
	r = gp_root_new(o->root, &root);
	if (r < 0) {
		gp_log(GP_LOG_ERR, "cannot use %s as the root: %s", o->root,
		       strerror(-r));
		rc = GP_EXIT_USAGE;
		goto out;
	}
	r = detect_host(root, profile, &host);
	if (r < 0) {
		rc = internal_error("identifying the system", r);
		goto out;
	}
	r = drop_caps();
	if (r < 0) {
		rc = internal_error("dropping capabilities", r);
		goto out;
	}

	ctx = (struct gp_ctx){ .root = root, .host = &host, .profile = profile,
			       .report = &report, .only = o->only,
			       .skip = o->skip };
	r = runner_run(&ctx);
	if (r < 0) {
		rc = internal_error("running the checks", r);
		goto out;
	}

	res = (struct gp_result){ .mode = "check", .profile = profile,
				  .root = o->root, .host = &host,
				  .report = &report };
	result_fill_import(&res, ctx.system_disk_bytes);
	r = o->output ? write_report_file(o, &res) : write_report(stdout, o, &res);
	rc = r < 0 ? internal_error("writing the report", r) : exit_code(&report);
out:
	report_done(&report);
	gp_host_done(&host);
	gp_root_free(root);
	gp_profile_free(profile);
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
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		rc = GP_EXIT_READY;
		break;
	case GP_CMD_LIST:
		list_plugins(stdout);
		rc = GP_EXIT_READY;
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
