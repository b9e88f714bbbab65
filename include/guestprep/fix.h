/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixers: planned, journaled, reversible changes.
 *
 * A check that can mend what it finds marks its finding with
 * gp_set_fixable() and names a fixer in its struct gp_check (.fix).  In
 * `guestprep fix`, once the checks have run, the core calls the fixer of
 * every check that has a fixable finding worse than "pass".
 *
 * A fixer never writes anything itself: it plans changes with the
 * gp_plan_*() calls below.  The core shows the plan (`--dry-run`: unified
 * diffs and commands), asks, journals every change under
 * /var/lib/guestprep in the root (so `guestprep undo` can restore each
 * file byte for byte), applies it, and re-runs the checks.
 *
 * Fixers must be idempotent: planning a file's current content, removing
 * a file that is absent or making a link that already exists plans
 * nothing, so a second `fix` run changes nothing.
 *
 * All calls return 0 or a negative errno; the strings are copied.
 */
#ifndef GUESTPREP_FIX_H
#define GUESTPREP_FIX_H

#include <stddef.h>
#include <sys/types.h>

struct gp_ctx;

/*
 * The largest file a fix may replace or remove: the journal keeps the
 * old bytes for undo.  Registry hives are the big ones (SOFTWARE runs
 * to a few hundred MiB on an old server).
 */
#define GP_PLAN_MAX_FILE (512u << 20)

/*
 * Replace the regular file @path with @len bytes of @data, or create it.
 * An existing file keeps its mode, owner and extended attributes; a new
 * one gets @mode, owned by root.  @why is one line for the plan.
 */
int gp_plan_write(struct gp_ctx *ctx, const char *path, const char *data,
		  size_t len, mode_t mode, const char *why);

/* Remove the file or symlink @path (a missing one plans nothing). */
int gp_plan_remove(struct gp_ctx *ctx, const char *path, const char *why);

/* Make @path a symlink to @target, replacing a file or link there. */
int gp_plan_symlink(struct gp_ctx *ctx, const char *path, const char *target,
		    const char *why);

/* Commands run without a shell, with a timeout, output captured. */
enum {
	/* Runs inside the guest: live only, or chrooted with --chroot. */
	GP_CMD_IN_GUEST = 1 << 0,
};

/*
 * Run @argv (NULL-terminated; argv[0] an absolute path inside the guest).
 * @undo_argv, if not NULL, is what `guestprep undo` runs to revert it;
 * without it undo reports the command as not revertible.
 */
int gp_plan_command(struct gp_ctx *ctx, const char *const *argv,
		    const char *const *undo_argv, unsigned flags,
		    const char *why);

/*
 * As gp_plan_command(), for a command that replaces files (an initramfs
 * rebuilt): before it runs, the journal keeps a copy of each of
 * @replaces (NULL-terminated, absolute paths inside the root; one that
 * does not exist is recorded as absent), and `guestprep undo` puts each
 * back byte for byte, or removes it when the command created it.  Such
 * a command needs no undo command of its own.
 */
int gp_plan_command_replacing(struct gp_ctx *ctx, const char *const *argv,
			      const char *const *replaces, unsigned flags,
			      const char *why);

#endif
