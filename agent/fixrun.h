/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands that change a system: fix (plan, show, ask, journal,
 * apply, re-check), undo and history.  Each returns the exit code.
 */
#ifndef GUESTPREP_FIXRUN_H
#define GUESTPREP_FIXRUN_H

#include "cli.h"

int fix_run(struct gp_options *o);
int fix_undo(struct gp_options *o);
int fix_history(struct gp_options *o);

#endif
