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

/*
 * A value of the live Windows registry, as the registry API holds it:
 * a type of winreg.h (GP_REG_DWORD, GP_REG_SZ...) and raw data (strings
 * as UTF-16LE with their terminating NUL).
 */
struct gp_regdata {
	unsigned type;
	const void *data;
	size_t len;
};

/*
 * Set the value @value ("" the default) of @key (winreg.h's names:
 * "SYSTEM\CurrentControlSet\Services\viostor", under HKLM) to @want,
 * in the running Windows (guestprep.exe).  @now is what the value holds
 * now, as the caller just read it, or NULL when it does not exist: the
 * journal keeps it, refuses to apply when the value changed in between
 * (-ESTALE), and `guestprep undo` sets it again or deletes the value.
 * Nothing is planned when @now already is @want; planning the same
 * value twice keeps the last @want.  Offline registries are hive files:
 * see gp_winreg_plan_set_dword() in winreg.h.
 */
int gp_plan_registry(struct gp_ctx *ctx, const char *key, const char *value,
		     const struct gp_regdata *now,
		     const struct gp_regdata *want, const char *why);

#endif
