/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guestprep/log.h"
#include "caps.h"
#include "session.h"
#include "sys.h"
#include "util.h"
#ifdef _WIN32
#include "win32.h"
#endif

int usage_error(const char *what)
{
	gp_log(GP_LOG_ERR, "%s", what ? what : "out of memory");
	return GP_EXIT_USAGE;
}

int internal_error(const char *what, int err)
{
	gp_log(GP_LOG_ERR, "%s: %s", what, strerror(err < 0 ? -err : err));
	return GP_EXIT_INTERNAL;
}

int exit_code_for(const struct gp_report *report)
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
static int detect_host(struct gp_session *s)
{
	struct gp_host *host = &s->host;
	int r = gp_host_detect(s->root, host);

	if (r < 0)
		return r;
	host->os.support = gp_profile_classify(s->profile, &host->os,
					       &host->os.platform);
	gp_debug("system: %s %s (%s), platform %s, support %s",
		 host->os.id ? host->os.id : "unknown",
		 host->os.version ? host->os.version : "",
		 gp_os_family_name(host->os.family),
		 host->os.platform ? host->os.platform : "none",
		 gp_support_name(host->os.support));
	return 0;
}

static int drop_caps(const struct gp_options *o, bool writable)
{
	_cleanup_free_ char *now = NULL;
	int r;

	if (!writable)
		r = caps_drop_for_check();
	else
		r = caps_drop_for_fix(o->remove_packages);
	if (r < 0)
		return r;
	now = caps_describe();
	gp_debug("capabilities now: %s", now ? now : "?");
	return 0;
}

static int check_patterns(const struct gp_options *o)
{
	const char *bad = runner_unknown_pattern(o->only);

	if (!bad)
		bad = runner_unknown_pattern(o->skip);
	if (!bad)
		return 0;
	gp_log(GP_LOG_ERR, "no check is named \"%s\" (see guestprep list)", bad);
	return GP_EXIT_USAGE;
}

/* Site checks run with "/" as their working directory: make it absolute. */
static int checks_dir_resolve(struct gp_session *s, const struct gp_options *o)
{
	if (!o->checks_dir)
		return 0;
	s->checks_dir = realpath(o->checks_dir, NULL);
	if (s->checks_dir)
		return 0;
	gp_log(GP_LOG_ERR, "--checks-dir %s: %s", o->checks_dir,
	       strerror(errno));
	return GP_EXIT_USAGE;
}

int session_open(struct gp_session *s, struct gp_options *o, bool writable)
{
	_cleanup_free_ char *error = NULL;
	int r;

	*s = (struct gp_session){ .opts = o };
	r = conf_load(o, &s->profile, &error);
	if (r < 0)
		return r == -ENOMEM ? internal_error("configuration", r)
				    : usage_error(error);
	r = check_patterns(o);
	if (r)
		return r;
	r = checks_dir_resolve(s, o);
	if (r)
		return r;
	r = gp_root_new(o->root, &s->root);
	if (r < 0) {
		gp_log(GP_LOG_ERR, "cannot use %s as the root: %s", o->root,
		       strerror(-r));
		return GP_EXIT_USAGE;
	}
	if (writable)
		gp_root_allow_writes(s->root);
	r = detect_host(s);
	if (r < 0)
		return internal_error("identifying the system", r);
	r = drop_caps(o, writable);
	if (r < 0)
		return internal_error("dropping capabilities", r);
#ifdef _WIN32
	/* windows: mingw.  Live, the disk under C: (agent/disk-win32.c). */
	r = win32_default_disks(&o->disks);
	if (r < 0)
		return internal_error("finding the system disk", r);
#endif
	s->ctx = (struct gp_ctx){ .root = s->root, .host = &s->host,
				  .profile = s->profile, .report = &s->report,
				  .only = o->only, .skip = o->skip,
				  .remove_packages = o->remove_packages,
				  .disks = o->disks,
				  .checks_dir = s->checks_dir,
				  .checks_timeout_sec = o->checks_timeout };
	return 0;
}

int session_check(struct gp_session *s)
{
	int r;

	report_done(&s->report);
	r = runner_run(&s->ctx);
	return r < 0 ? internal_error("running the checks", r) : 0;
}

static bool want_color(const struct gp_options *o, const FILE *f)
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

int session_write(struct gp_session *s, struct gp_result *res)
{
	const struct gp_options *o = s->opts;
	int r;

	res->profile = s->profile;
	res->root = o->root;
	res->host = &s->host;
	result_fill_import(res, s->ctx.system_disk_bytes, s->ctx.import_platform);
	r = o->output ? write_report_file(o, res) : write_report(stdout, o, res);
	if (r < 0)
		return internal_error("writing the report", r);
	return exit_code_for(res->report);
}

void session_close(struct gp_session *s)
{
	report_done(&s->report);
	gp_host_done(&s->host);
	gp_root_free(s->root);
	gp_profile_free(s->profile);
	free(s->checks_dir);
	*s = (struct gp_session){ 0 };
}
