/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Changes: what a fix run plans, shows, journals and applies.
 *
 * Fixers describe changes through include/guestprep/fix.h; the core keeps
 * them here with what the planner saw of each path before (to show a
 * diff, and to refuse to apply when the file changed in the meantime).
 * The plan owns every change and every string in it.
 */
#ifndef GUESTPREP_CHANGE_H
#define GUESTPREP_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum gp_change_kind {
	GP_CHANGE_WRITE,	/* replace or create a regular file */
	GP_CHANGE_REMOVE,	/* remove a file or a symlink */
	GP_CHANGE_SYMLINK,	/* make or replace a symlink */
	GP_CHANGE_COMMAND,	/* run a program */
	GP_CHANGE_REGISTRY,	/* set a value of the live Windows registry */
};

struct gp_change {
	enum gp_change_kind kind;
	char *check;		/* id of the check whose fixer planned it */
	char *why;		/* one line for people */

	char *path;		/* inside the root (write, remove, symlink) */
	char *data;		/* write: the new content */
	size_t len;
	mode_t mode;		/* write: mode of a new file */
	char *target;		/* symlink: the new target */

	char **argv;		/* command, NULL-terminated */
	char **undo_argv;	/* what reverts it, or NULL */
	unsigned flags;		/* GP_CMD_* */
	char **replaces;	/* files the journal keeps before it runs */

	/*
	 * registry: path is "HKLM\KEY", value the value's name ("" the
	 * default), data/len and reg_type what it is set to (winreg.h's
	 * types, strings UTF-16LE with their NUL); existed, old_reg_type
	 * and old_data/old_len what the planner read.
	 */
	char *value;
	unsigned reg_type;
	unsigned old_reg_type;

	/* The path as the planner saw it. */
	bool existed;
	bool was_link;
	char *old_data;		/* a regular file's content */
	size_t old_len;
	char *old_target;	/* a symlink's target */

	/* What became of it, 0 or -errno, and what a command printed. */
	enum gp_change_state {
		GP_CHANGE_PLANNED,	/* shown, not applied (dry run) */
		GP_CHANGE_APPLIED,
		GP_CHANGE_FAILED,
		GP_CHANGE_NOT_REACHED,	/* an earlier change failed */
		GP_CHANGE_MANUAL,	/* a guest command offline: for people */
	} state;
	int result;
	char *output;
};

const char *gp_change_kind_name(enum gp_change_kind kind);
const char *gp_change_state_name(enum gp_change_state state);

struct gp_plan {
	struct gp_change *changes;
	size_t n_changes;
};

/* Free what one change owns (not the change itself). */
void change_done(struct gp_change *change);
void plan_done(struct gp_plan *plan);

#endif
