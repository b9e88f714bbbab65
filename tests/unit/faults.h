/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every fixer under faults.  Linked into the test of each plugin that has
 * a fixer (with FAULT_WRAPS, see Makefile.am), it makes harness_apply()
 * first carry the plan out, from the same tree, under two kinds of fault:
 *
 *  - a crash after each durable step of the journal in turn (the process
 *    ends there, as on a power cut), then `guestprep undo`;
 *  - "No space left on device" from each call that can need space (write,
 *    fsync, a file, directory, link or symlink made, a rename, an
 *    extended attribute) in turn, then undo.
 *
 * After every one the tree must be byte for byte what it was (content,
 * type, mode, mtime), and an apply under ENOSPC must fail with -ENOSPC,
 * never succeed having lost the error.  Apply and undo run in children,
 * so the test's fakes of the exec seam (journal_run_fn) keep in the test
 * process only what the real apply does.
 */
#ifndef GUESTPREP_TEST_FAULTS_H
#define GUESTPREP_TEST_FAULTS_H

#include "harness.h"

/*
 * Called by harness_apply() when this file is linked in (a weak symbol):
 * the sweeps above on gp_root_path(h->root), with h->plan and @run.
 */
void faults_sweep(struct harness *h, journal_run_fn run);

#endif
