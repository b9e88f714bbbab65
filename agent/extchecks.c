/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site checks (see extchecks.h), found and run on POSIX; what they print
 * is judged in agent/extchecks-report.c, shared with guestprep.exe.
 *
 * Trust comes from the file system, as with run-parts and sshd's
 * StrictModes: the directory and each executable must belong to root (or
 * to whoever runs guestprep) and be writable by nobody else, and names
 * are plain words ([A-Za-z0-9_-]) so editor backups and package leftovers
 * ("foo~", "foo.dpkg-old") are never run.  What is left out is reported
 * as a warning.  Entries are reached through a root (the live "/", or the
 * --checks-dir directory itself), so a symlink cannot lead out of it.
 *
 * The checks run after the capability drop: in check mode they hold
 * nothing but CAP_DAC_READ_SEARCH, with no_new_privs, so a setuid helper
 * cannot give them more.
 */
#include "config.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guestprep/log.h"
#include "exec.h"
#include "extchecks-internal.h"
#include "util.h"

/* The pseudo plugin the findings belong to (runner_add_finding). */
static const struct gp_check site_checks[] = {
	{ .id = EXTCHECKS_PLUGIN,
	  .summary = "site checks: executables in " EXTCHECKS_DIR },
	{ 0 },
};

static const struct gp_plugin site_plugin = {
	.name = EXTCHECKS_PLUGIN,
	.summary = "site-specific checks run from " EXTCHECKS_DIR,
	.checks = site_checks,
};

/* Judge how the check ended (a signal is POSIX's) and what it printed. */
static void take_result(struct gp_ctx *ctx, const char *name, const char *path,
			const struct exec_result *res)
{
	_cleanup_free_ char *what = NULL;

	if (WIFSIGNALED(res->status)) {
		what = strprintf("was killed by signal %d (%s)",
				 WTERMSIG(res->status),
				 strsignal(WTERMSIG(res->status)));
		extchecks_emit_broken(ctx, name, path,
				      what ? what : "was killed");
		return;
	}
	extchecks_take_output(ctx, name, path, res, WEXITSTATUS(res->status));
}

/* ---- finding and running the executables ---- */

struct site;

/*
 * What is done with each entry of the directory: @why is NULL for one
 * that runs, else the reason it does not; @name and @path are NULL when
 * the directory itself is refused.  Running and listing share the walk,
 * so "guestprep list" names exactly what "check" would run.
 */
typedef void site_visit_fn(struct site *s, const char *name, const char *path,
			   const char *shown, const char *why);

struct site {
	const struct gp_root *croot;	/* where the checks are */
	const char *dir;		/* inside croot */
	const char *shown;		/* the directory, for people */
	site_visit_fn *visit;
	/* running */
	struct gp_ctx *ctx;
	char *guest_root;		/* GUESTPREP_ROOT, absolute */
	char **skipped;			/* "NAME: why", for one warning */
	/* listing */
	FILE *out;
};

/* Root's, or the running user's (a test, a non-root run), and no one else's. */
static const char *untrusted(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "is not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "is writable by group or others";
	return NULL;
}

/* Why the entry @name is not run, or NULL. */
static const char *entry_refused(const struct site *s, const char *path,
				 const char *name)
{
	struct stat st;

	if (!extchecks_name_valid(name))
		return "is not a plain name ([A-Za-z0-9_-]: editor backup or "
		       "package leftover?)";
	if (gp_root_stat(s->croot, path, true, &st) < 0)
		return "cannot be resolved inside the directory (dangling, or "
		       "a symlink leading out of it)";
	if (!S_ISREG(st.st_mode))
		return "is not a regular file";
	if (!(st.st_mode & S_IXUSR))
		return "is not executable";
	return untrusted(&st);
}

/* The host path to exec: the croot's directory plus the resolved path. */
static char *host_path(const struct site *s, const char *path)
{
	_cleanup_free_ char *resolved = NULL;
	const char *top = gp_root_path(s->croot);

	if (gp_root_resolve(s->croot, path, &resolved) < 0)
		return NULL;
	if (strcmp(top, "/") == 0)
		return TAKE_PTR(resolved);
	return strprintf("%s%s", top, resolved);
}

static void run_one(struct site *s, const char *name, const char *path,
		    const char *shown)
{
	_cleanup_free_ char *exe = NULL, *env_root = NULL;
	_cleanup_free_ char *what = NULL;
	unsigned sec = s->ctx->checks_timeout_sec ? s->ctx->checks_timeout_sec
						  : EXTCHECKS_TIMEOUT_SEC;
	/* What monitoring plugins get: a fixed PATH, C locale, and the root. */
	char *env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root", "LC_ALL=C", NULL, NULL,
	};
	char *argv[] = { NULL, NULL };
	const struct exec_opts opts = { .env = env, .timeout_ms = sec * 1000,
					/* Their stderr is for people: ours. */
					.keep_stderr = true };
	struct exec_result res = { 0 };
	int r;

	exe = host_path(s, path);
	env_root = strprintf("GUESTPREP_ROOT=%s", s->guest_root);
	if (!exe || !env_root) {
		extchecks_emit_broken(s->ctx, name, shown,
				      "could not be started");
		return;
	}
	argv[0] = exe;
	env[3] = env_root;
	gp_debug("running site check %s", exe);
	r = exec_program(argv, &opts, &res);
	if (r == -ETIMEDOUT)
		what = strprintf("timed out after %u s", sec);
	else if (r < 0)
		what = strprintf("could not be started: %s", strerror(-r));
	if (r < 0)
		extchecks_emit_broken(s->ctx, name, shown,
				      what ? what : "failed");
	else
		take_result(s->ctx, name, shown, &res);
	free(res.output);
}

/* check: run what is trusted, collect the rest for one warning. */
static void run_visit(struct site *s, const char *name, const char *path,
		      const char *shown, const char *why)
{
	if (why)
		strv_pushf(&s->skipped, "%s %s", shown, why);
	else
		run_one(s, name, path, shown);
}

static int dir_names(const struct site *s, char ***ret)
{
	_cleanup_(strv_freep) char **names = NULL;
	DIR *d = NULL;
	struct dirent *de;
	int r;

	r = gp_root_opendir(s->croot, s->dir, &d);
	if (r < 0)
		return r;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strv_push(&names, de->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	closedir(d);
	strv_sort(names);	/* run in a stable order, as run-parts */
	*ret = TAKE_PTR(names);
	return 0;
}

static void visit_entry(struct site *s, const char *name)
{
	_cleanup_free_ char *path =
		strprintf("%s/%s", strcmp(s->dir, "/") ? s->dir : "", name);
	_cleanup_free_ char *shown = strprintf("%s/%s", s->shown, name);

	if (path && shown)
		s->visit(s, name, path, shown, entry_refused(s, path, name));
}

/* Every entry of the directory, in order, once it is found trustworthy. */
static void walk_dir(struct site *s)
{
	_cleanup_(strv_freep) char **names = NULL;
	_cleanup_free_ char *what = NULL;
	struct stat st;
	const char *why;
	int r;

	if (gp_root_stat(s->croot, s->dir, true, &st) < 0)
		return;		/* no site checks: nothing to say */
	why = S_ISDIR(st.st_mode) ? untrusted(&st) : "is not a directory";
	if (why) {
		s->visit(s, NULL, NULL, s->shown, why);
		return;
	}
	r = dir_names(s, &names);
	if (r < 0) {
		what = strprintf("cannot be read: %s", strerror(-r));
		s->visit(s, NULL, NULL, s->shown, what ? what : "cannot be read");
		return;
	}
	for (size_t i = 0; names && names[i]; i++)
		visit_entry(s, names[i]);
}

static void warn_skipped(struct site *s)
{
	extchecks_warn_skipped(s->ctx, s->shown, s->skipped,
			       "site checks must be executable files with "
			       "plain names, owned by root and writable only "
			       "by it");
}

/* An offline tree's own checks are the image's: say so, run nothing. */
static void note_offline(struct gp_ctx *ctx)
{
	struct gp_finding *f;

	if (!gp_root_is_dir(ctx->root, EXTCHECKS_DIR))
		return;
	f = gp_emit(ctx, EXTCHECKS_PLUGIN ".offline", GP_SKIP,
		    "the site checks of an offline system are not run");
	gp_evidence(f, "%s", EXTCHECKS_DIR);
	gp_remedy(f, "run guestprep inside the system, or name a trusted "
		     "directory of checks with --checks-dir");
}

static void site_run(struct site *s)
{
	char *abs = realpath(gp_root_path(s->ctx->root), NULL);

	s->guest_root = abs ? abs : strdup(gp_root_path(s->ctx->root));
	if (s->guest_root)
		walk_dir(s);
	warn_skipped(s);
	free(s->guest_root);
	strv_free(s->skipped);
}

/*
 * Where the site checks of @root are: 1 with s->croot, dir and shown
 * set (*ret_own is the root to free, if one was opened), 0 when there
 * are none to run (an offline tree without --checks-dir), -errno when
 * the --checks-dir directory cannot be opened.
 */
static int site_locate(struct site *s, const struct gp_root *root,
		       const char *checks_dir, struct gp_root **ret_own)
{
	struct gp_root *own = NULL;
	int r;

	if (checks_dir) {
		/* The directory is a root of its own: links stay inside it. */
		r = gp_root_new(checks_dir, &own);
		if (r < 0)
			return r;
		s->croot = own;
		s->dir = "/";
		s->shown = checks_dir;
		*ret_own = own;
		return 1;
	}
	if (!gp_root_is_live(root))
		return 0;
	s->croot = root;
	s->dir = s->shown = EXTCHECKS_DIR;
	return 1;
}

int extchecks_run(struct gp_ctx *ctx)
{
	struct gp_root *own = NULL;
	struct site s = { .ctx = ctx, .visit = run_visit };
	struct gp_finding *f;
	int r;

	ctx->plugin = &site_plugin;
	ctx->check = &site_checks[0];
	r = site_locate(&s, ctx->root, ctx->checks_dir, &own);
	if (r > 0) {
		site_run(&s);
	} else if (r == 0) {
		note_offline(ctx);
	} else {
		f = gp_emit(ctx, EXTCHECKS_PLUGIN ".ignored", GP_WARN,
			    "the site checks directory cannot be used: %s",
			    strerror(-r));
		gp_evidence(f, "%s", ctx->checks_dir);
	}
	gp_root_free(own);
	ctx->plugin = NULL;
	ctx->check = NULL;
	return ctx->report->oom ? -ENOMEM : 0;
}

/* ---- listing: what check would run, without running it ---- */

static void list_visit(struct site *s, const char *name, const char *path,
		       const char *shown, const char *why)
{
	(void)path;
	extchecks_list_entry(s->out, name, shown, why);
}

int extchecks_list(FILE *f, const struct gp_root *root, const char *checks_dir)
{
	struct gp_root *own = NULL;
	struct site s = { .visit = list_visit, .out = f };
	int r;

	r = site_locate(&s, root, checks_dir, &own);
	fprintf(f, "%-16s site-specific checks: executables in %s%s\n",
		site_plugin.name, r > 0 ? s.shown : EXTCHECKS_DIR,
		r > 0 ? "" : " (live system only)");
	if (r > 0)
		walk_dir(&s);
	else if (r == 0 && gp_root_is_dir(root, EXTCHECKS_DIR))
		fprintf(f, "  %-28s %s: not run on an offline system "
			   "(see --checks-dir)\n",
			EXTCHECKS_PLUGIN ".offline", EXTCHECKS_DIR);
	else if (r < 0)
		fprintf(f, "  %-28s %s cannot be used: %s\n",
			EXTCHECKS_LIST_IGNORED, checks_dir, strerror(-r));
	gp_root_free(own);
	return ferror(f) ? -EIO : 0;
}
