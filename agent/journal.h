/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fix journal: every change of a fix run, recorded so that `guestprep
 * undo` can put each file back byte for byte.
 *
 * A run lives in /var/lib/guestprep/runs/RUN-ID/ inside the root (in
 * guestprep.exe, which journals registry changes only, in
 * C:\ProgramData\guestprep\journal\RUN-ID\, see journal-win32.c): a
 * line-oriented journal file and a files/ directory of saved originals.
 * For each change the journal records the intent, then the original
 * (content, mode, owner, timestamps, extended attributes, or its
 * absence), then applies it (new content to a temporary file in the same
 * directory, fsync, rename; the directory fsynced), then records that it
 * is done; every record is fsynced before the next step.  A run
 * interrupted at any point can therefore be undone.
 *
 * What the plan saw is checked before anything is touched: a path that
 * no longer is what change->existed, was_link, old_target and old_data
 * say (old_data NULL counts as empty for a regular file) is refused with
 * -ESTALE and left alone.  A write to a symlink replaces the file the
 * link points to (inside the root), not the link; missing parent
 * directories of a new file are created (0755, root) and removed again
 * by undo.  Undo also puts back the times of the directory each change
 * touched.
 *
 * Runs are undone newest first: undoing a run while a newer one that
 * changed something is not undone is refused (-EBUSY), as is a second
 * guestprep working on the same journal at the same time.
 *
 * Functions return 0 or a negative errno.  Memory returned belongs to
 * the caller.
 */
#ifndef GUESTPREP_JOURNAL_H
#define GUESTPREP_JOURNAL_H

#include <stdbool.h>
#include <time.h>
#include "guestprep/root.h"
#include "change.h"

/* guestprep.exe: C:\ProgramData\guestprep\journal on the system drive. */
#ifdef _WIN32
#define JOURNAL_DIR "/ProgramData/guestprep/journal"
#else
#define JOURNAL_DIR "/var/lib/guestprep/runs"
#endif

struct gp_journal;

/* The exec seam: runs change->argv, fills change->output. */
typedef int (*journal_run_fn)(struct gp_root *root, struct gp_change *change);

/*
 * Start a run in @root (which must allow writes: -EROFS otherwise).  The
 * root must outlive the journal.
 */
int journal_begin(struct gp_root *root, const char *tool_version,
		  struct gp_journal **ret);
const char *journal_run_id(const struct gp_journal *j);

/*
 * Apply @change through the journal and set change->result.  Commands are
 * run by @run_command (NULL: exec_command()), which fills change->output;
 * a command that fails is still recorded as run, since it may have done
 * part of its work.
 */
int journal_apply(struct gp_journal *j, struct gp_change *change,
		  journal_run_fn run_command);

/* Mark the run complete and release it (@j is freed in every case). */
int journal_end(struct gp_journal *j);
/* Release a run without marking it complete (it can still be undone). */
void journal_free(struct gp_journal *j);

struct gp_undo_item {
	char *what;		/* "restored /etc/selinux/config" */
	/* 0, or -errno when it could not be reverted; -EOPNOTSUPP: a
	 * command with no undo command. */
	int result;
};

struct gp_undo_result {
	char *run_id;
	bool already_undone;	/* the run named had been undone before */
	struct gp_undo_item *items;
	size_t n_items;
};

/*
 * Undo run @run_id (NULL: the newest run that changed something and is
 * not undone yet), newest change first, in @root (which must allow
 * writes).  Commands are reverted with their undo command, run by
 * @run_command (NULL: exec_command()); one whose run was interrupted is
 * reverted too, since it may have started.  A change that was
 * interrupted is undone as far as it got.
 *
 * Returns 0 when the run is undone (items may still say a command is not
 * revertible; already_undone says it was before), else the first error;
 * the changes that could not be reverted stay in the journal, so undo
 * can be run again.  @ret is filled in whenever the run could be read,
 * also on error; release it with undo_result_done() in every case.
 * -ENOENT: no run @run_id, or (@run_id NULL) nothing left to undo;
 * -EBUSY: a newer run is in place, or another guestprep holds the journal.
 */
int journal_undo(struct gp_root *root, const char *run_id,
		 journal_run_fn run_command, struct gp_undo_result *ret);
void undo_result_done(struct gp_undo_result *r);

/*
 * undo --force: put back a registry value that changed since the fix
 * run too (by default it is left alone and reported as -ESTALE).
 */
void journal_set_undo_force(bool force);

struct gp_run_info {
	char *id;
	time_t started;
	long started_nsec;
	char *version;		/* guestprep that made it */
	size_t n_changes;	/* changes it started to apply */
	bool complete;		/* reached journal_end() */
	bool undone;
};

/* Every run recorded in @root, oldest first (none: 0 and *ret_n = 0). */
int journal_history(const struct gp_root *root, struct gp_run_info **ret,
		    size_t *ret_n);
void run_info_free(struct gp_run_info *runs, size_t n);

/*
 * For tests of interrupted runs: end the process with _exit(99) right
 * after the @step-th durable step (a record, a backup, a synced temporary
 * file, a rename) of the next journal_begin() .. journal_end(), or
 * journal_undo(); 0 turns it off.  The environment variable
 * GUESTPREP_JOURNAL_STOP_AFTER does the same for tests that drive the
 * binary (read by journal_begin() and journal_undo()).
 */
void journal_test_stop_after(unsigned step);

#endif
