/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  fix, undo and history (fixrun.h) in guestprep.exe:
 * the journal is not ported yet, so each says where the fixes can be
 * made, with the usage error's exit code.
 */
#include "config.h"

#include "guestprep/log.h"
#include "fixrun.h"

static int not_here(void)
{
	gp_log(GP_LOG_ERR, "fix mode is not available in guestprep.exe yet: "
			   "run guestprep fix from Linux on the mounted "
			   "volume");
	return GP_EXIT_USAGE;
}

int fix_run(struct gp_options *o)
{
	return not_here();
}

int fix_undo(struct gp_options *o)
{
	return not_here();
}

int fix_history(struct gp_options *o)
{
	return not_here();
}
