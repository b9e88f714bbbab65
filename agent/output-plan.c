/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan of a fix run, for people (diffs and commands, as `--dry-run`
 * shows them) and for tools (the report's "changes").
 */
#include "config.h"

#include <string.h>

#include "diff.h"
#include "json.h"
#include "output.h"
#include "util.h"

char *change_diff(const struct gp_change *c)
{
	_cleanup_free_ char *after = NULL;
	const char *old = c->existed && !c->was_link ? c->old_data : NULL;
	const char *new = c->kind == GP_CHANGE_WRITE ? c->data : NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (c->kind != GP_CHANGE_WRITE &&
	    !(c->kind == GP_CHANGE_REMOVE && old))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	after = new ? strdup(c->path) : strdup("/dev/null");
	diff_unified(f, old ? c->path : "/dev/null", old, old ? c->old_len : 0,
		     after ? after : "/dev/null", new, new ? c->len : 0);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *command_line(char *const *argv)
{
	return strv_join(argv, " ");
}

/* One line saying what the change does, for the text plan. */
static void describe(FILE *f, const struct gp_change *c)
{
	_cleanup_free_ char *cmd = NULL;

	switch (c->kind) {
	case GP_CHANGE_WRITE:
		fprintf(f, "%s ", c->existed ? "edit" : "create");
		output_safe(f, c->path);
		break;
	case GP_CHANGE_REMOVE:
		fputs("remove ", f);
		output_safe(f, c->path);
		break;
	case GP_CHANGE_SYMLINK:
		fputs("link ", f);
		output_safe(f, c->path);
		fputs(" -> ", f);
		output_safe(f, c->target);
		break;
	case GP_CHANGE_COMMAND:
		cmd = command_line(c->argv);
		fputs("run ", f);
		output_safe(f, cmd ? cmd : c->argv[0]);
		break;
	}
}

static void write_diff_text(FILE *f, const struct gp_change *c)
{
	_cleanup_free_ char *diff = change_diff(c);
	char *line, *next;

	for (line = diff; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		fputs("       ", f);
		output_safe(f, line);
		fputc('\n', f);
	}
}

void output_plan_text(FILE *f, const struct gp_result *res)
{
	const struct gp_plan *plan = res->plan;

	if (!plan->n_changes) {
		fputs("\nNothing to change: no fixer has work to do.\n", f);
		return;
	}
	fprintf(f, "\n%s (%zu change%s):\n", res->dry_run ? "Plan" : "Changes",
		plan->n_changes, plan->n_changes == 1 ? "" : "s");
	for (size_t i = 0; i < plan->n_changes; i++) {
		const struct gp_change *c = &plan->changes[i];

		fprintf(f, "  %zu. [%s] ", i + 1, gp_change_state_name(c->state));
		describe(f, c);
		fputs("\n     for ", f);
		output_safe(f, c->check);
		fputs(": ", f);
		output_safe(f, c->why);
		fputc('\n', f);
		if (c->result < 0)
			fprintf(f, "     error: %s\n", strerror(-c->result));
		if (c->output && *c->output) {
			fputs("     output: ", f);
			output_safe(f, c->output);
			fputc('\n', f);
		}
		write_diff_text(f, c);
	}
	if (res->run_id)
		fprintf(f, "Journal: run %s; revert with: guestprep undo %s\n",
			res->run_id, res->run_id);
}

static void write_argv(struct json *j, const char *key, char *const *argv)
{
	if (!argv) {
		json_null(j, key);
		return;
	}
	json_array_begin(j, key);
	for (size_t i = 0; argv[i]; i++)
		json_string(j, NULL, argv[i]);
	json_array_end(j);
}

static void write_change(struct json *j, const struct gp_change *c)
{
	_cleanup_free_ char *diff = change_diff(c);

	json_object_begin(j, NULL);
	json_string(j, "check", c->check);
	json_string(j, "action", gp_change_kind_name(c->kind));
	json_string(j, "why", c->why);
	json_string(j, "path", c->path);
	json_string(j, "target", c->target);
	write_argv(j, "command", c->argv);
	write_argv(j, "undo_command", c->undo_argv);
	json_string(j, "diff", diff);
	json_string(j, "state", gp_change_state_name(c->state));
	json_string(j, "error", c->result < 0 ? strerror(-c->result) : NULL);
	json_string(j, "output", c->output);
	json_object_end(j);
}

void output_plan_json(struct json *j, const struct gp_result *res)
{
	json_array_begin(j, "changes");
	for (size_t i = 0; res->plan && i < res->plan->n_changes; i++)
		write_change(j, &res->plan->changes[i]);
	json_array_end(j);
}
