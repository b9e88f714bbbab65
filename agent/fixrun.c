/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <time.h>

#include "caps.h"
#include "fixrun.h"
#include "journal.h"
#include "session.h"
#include "sys.h"

/* Ask once, on a terminal only: configuration management never blocks. */
static bool confirmed(const struct gp_options *o, const struct gp_plan *plan)
{
	char answer[16];

	if (o->yes || !gp_sys_isatty(STDIN_FILENO))
		return true;
	fprintf(stderr, "Apply %zu change%s to %s? [y/N] ", plan->n_changes,
		plan->n_changes == 1 ? "" : "s", o->root);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* A command for an offline guest runs only chrooted, when allowed. */
static bool runs_here(const struct gp_session *s, const struct gp_change *c)
{
	return c->kind != GP_CHANGE_COMMAND || !(c->flags & GP_CMD_IN_GUEST) ||
	       gp_root_is_live(s->root) || s->opts->chroot;
}

/*
 * Apply the plan through the journal, in order, stopping at the first
 * failure: what was applied stays journaled, so undo can revert it.
 */
static int apply_plan(struct gp_session *s, struct gp_plan *plan,
		      char **ret_run_id)
{
	struct gp_journal *j = NULL;
	bool failed = false;
	int r;

	r = journal_begin(s->root, PACKAGE_VERSION, &j);
	if (r < 0) {
		gp_log(GP_LOG_ERR, "cannot start the journal in %s%s: %s",
		       s->opts->root, JOURNAL_DIR, strerror(-r));
		return r;
	}
	*ret_run_id = strdup(journal_run_id(j));
	for (size_t i = 0; i < plan->n_changes; i++) {
		struct gp_change *c = &plan->changes[i];

		if (failed) {
			c->state = GP_CHANGE_NOT_REACHED;
			continue;
		}
		if (!runs_here(s, c)) {
			c->state = GP_CHANGE_MANUAL;
			continue;
		}
		/* NULL: the platform's runner (exec_command() on Linux). */
		c->result = journal_apply(j, c, NULL);
		c->state = c->result < 0 ? GP_CHANGE_FAILED : GP_CHANGE_APPLIED;
		failed = c->result < 0;
	}
	r = journal_end(j);
	return failed ? -EIO : r;
}

static bool any_applied(const struct gp_plan *plan)
{
	for (size_t i = 0; i < plan->n_changes; i++)
		if (plan->changes[i].state == GP_CHANGE_APPLIED)
			return true;
	return false;
}

static int plan_fixes(struct gp_session *s, struct gp_plan *plan)
{
	int r;

	s->ctx.plan = plan;
	r = runner_plan_fixes(&s->ctx);
	s->ctx.plan = NULL;
	return r < 0 ? internal_error("planning the fixes", r) : 0;
}

int fix_run(struct gp_options *o)
{
	_cleanup_free_ char *run_id = NULL;
	struct gp_report before = { 0 };
	struct gp_plan plan = { 0 };
	struct gp_result res = { .mode = "fix", .plan = &plan,
				 .dry_run = o->dry_run };
	struct gp_session s;
	int rc, r = 0;

	/* A dry run is a check: read-only root, check-mode capabilities. */
	rc = session_open(&s, o, !o->dry_run);
	if (rc == 0)
		rc = session_check(&s);
	if (rc == 0)
		rc = plan_fixes(&s, &plan);
	if (rc)
		goto out;

	if (!o->dry_run && plan.n_changes > 0 && !confirmed(o, &plan)) {
		gp_log(GP_LOG_WARNING, "not confirmed: nothing was changed");
		res.dry_run = true;	/* as good as one: shown, not applied */
	} else if (!o->dry_run && plan.n_changes > 0) {
		r = apply_plan(&s, &plan, &run_id);
		/* Judge the result afresh; keep the first verdict beside it. */
		before = s.report;
		s.report = (struct gp_report){ 0 };
		rc = session_check(&s);
		if (rc)
			goto out;
		res.before = &before;
	} else {
		res.before = &s.report;
	}
	res.report = &s.report;
	res.run_id = run_id;
	res.changed = any_applied(&plan);
	rc = session_write(&s, &res);
	if (r < 0 && rc < GP_EXIT_NOT_READY)
		rc = GP_EXIT_NOT_READY;	/* a change failed: not mended */
out:
	report_done(&before);
	plan_done(&plan);
	session_close(&s);
	return rc;
}

static int open_writable_root(const struct gp_options *o,
			      struct gp_root **ret)
{
	int r = gp_root_new(o->root, ret);

	if (r < 0) {
		gp_log(GP_LOG_ERR, "cannot use %s as the root: %s", o->root,
		       strerror(-r));
		return GP_EXIT_USAGE;
	}
	gp_root_allow_writes(*ret);
	r = caps_drop_for_fix(false);
	return r < 0 ? internal_error("dropping capabilities", r) : 0;
}

int fix_undo(struct gp_options *o)
{
	struct gp_undo_result res = { 0 };
	struct gp_root *root = NULL;
	unsigned failed = 0;
	int rc, r;

	rc = open_writable_root(o, &root);
	if (rc)
		goto out;
	journal_set_undo_force(o->force);
	r = journal_undo(root, o->run_id, NULL, &res);
	if (r == -ENOENT && !o->run_id) {
		printf("Nothing to undo in %s%s.\n", o->root, JOURNAL_DIR);
		rc = GP_EXIT_READY;
		goto out;
	}
	if (r == -ENOENT) {
		gp_log(GP_LOG_ERR, "no fix run %s in %s", o->run_id, o->root);
		rc = GP_EXIT_USAGE;
		goto out;
	}
	if (r == -EBUSY) {
		gp_log(GP_LOG_ERR, "run %s cannot be undone now: a newer run is "
		       "still in place, or another guestprep is at work (see "
		       "guestprep history)", o->run_id ? o->run_id : "");
		rc = GP_EXIT_USAGE;
		goto out;
	}
	if (r < 0 && !res.n_items) {
		rc = internal_error("undo", r);
		goto out;
	}
	if (res.already_undone) {
		printf("Fix run %s was undone already.\n", res.run_id);
		rc = GP_EXIT_READY;
		goto out;
	}
	printf("Undoing fix run %s:\n", res.run_id ? res.run_id : "?");
	for (size_t i = 0; i < res.n_items; i++) {
		const struct gp_undo_item *it = &res.items[i];

		if (it->result < 0)
			failed++;
		printf("  %s  ", it->result < 0 ? "FAILED" : "ok    ");
		output_safe(stdout, it->what);
		if (it->result < 0)
			printf(": %s", strerror(-it->result));
		putchar('\n');
	}
	printf("%s\n", failed ? "Some changes could not be reverted." :
				"Every change was reverted.");
	rc = failed ? GP_EXIT_NOT_READY : GP_EXIT_READY;
out:
	undo_result_done(&res);
	gp_root_free(root);
	return rc;
}

int fix_history(struct gp_options *o)
{
	struct gp_run_info *runs = NULL;
	struct gp_root *root = NULL;
	size_t n = 0;
	int r;

	r = gp_root_new(o->root, &root);
	if (r < 0) {
		gp_log(GP_LOG_ERR, "cannot use %s as the root: %s", o->root,
		       strerror(-r));
		return GP_EXIT_USAGE;
	}
	r = caps_drop_for_check();
	if (r == 0)
		r = journal_history(root, &runs, &n);
	gp_root_free(root);
	if (r < 0 && r != -ENOENT)
		return internal_error("reading the journal", r);
	if (n == 0)
		printf("No fix runs recorded in %s%s.\n", o->root, JOURNAL_DIR);
	for (size_t i = 0; i < n; i++) {
		char when[32] = "?";
		/* gmtime(), not gmtime_r(): one thread, and the Windows C
		 * runtime has no gmtime_r (guestprep.exe shares this file). */
		const struct tm *tm = gmtime(&runs[i].started);

		if (tm)
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", tm);
		printf("%-28s %s  %3zu change%s  %s\n", runs[i].id, when,
		       runs[i].n_changes, runs[i].n_changes == 1 ? " " : "s",
		       runs[i].undone ? "undone" :
		       runs[i].complete ? "complete" : "interrupted");
	}
	run_info_free(runs, n);
	return GP_EXIT_READY;
}
