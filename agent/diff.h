/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diffs of two texts, for the plan that `guestprep fix --dry-run`
 * shows (and the JSON report's changes).
 */
#ifndef GUESTPREP_DIFF_H
#define GUESTPREP_DIFF_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write the unified diff (3 lines of context, GNU conventions) that turns
 * @a into @b to @f, with "--- @label_a" and "+++ @label_b" headers.
 *
 * A NULL text is an absent file and is diffed as empty (its length is
 * ignored); callers pass "/dev/null" as its label (a NULL label prints
 * as that too).  Equal contents print nothing, so an absent file and an
 * empty one print nothing either: callers report the creation or removal
 * of an empty file themselves.  A text with a NUL byte prints
 * "Binary files @label_a and @label_b differ".  A last line without its
 * newline is followed by "\ No newline at end of file".
 *
 * Beyond 20000 edits the differing middle is shown as replaced as a
 * whole.  @f is flushed.  0, -ENOMEM, or -EIO when writing failed
 * (including an error already pending on @f).
 */
int diff_unified(FILE *f, const char *label_a, const char *a, size_t alen,
		 const char *label_b, const char *b, size_t blen);

#endif
