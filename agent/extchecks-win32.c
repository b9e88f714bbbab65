/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  Site checks (extchecks.h) in guestprep.exe: running
 * them needs fork, pipes and process groups that agent/extchecks.c has
 * only for POSIX, so guestprep.exe runs none and lists none; the
 * timeout option is still parsed as everywhere.
 */
#include "config.h"

#include <errno.h>

#include "extchecks.h"
#include "util.h"

int extchecks_run(struct gp_ctx *ctx)
{
	return 0;
}

int extchecks_list(FILE *f, const struct gp_root *root, const char *checks_dir)
{
	return 0;
}

int extchecks_parse_timeout(const char *s, unsigned *ret)
{
	unsigned long long v;

	if (parse_u64(s, &v) < 0 || v < 1 || v > EXTCHECKS_TIMEOUT_MAX)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}
