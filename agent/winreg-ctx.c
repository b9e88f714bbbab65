/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry as the Windows checks meet it: the error finding they
 * give when the hive they need cannot be read, worded once for all.
 * Built with or without hivex (winreg.c or winreg-none.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "guestprep/macro.h"
#include "guestprep/plugin.h"
#include "guestprep/strv.h"
#include "guestprep/winreg.h"
#include "runner.h"

void gp_winreg_emit_unreadable(struct gp_ctx *ctx, const char *id,
			       struct gp_winreg *reg, const char *key, int r)
{
	struct gp_finding *f;

	if (r == -EOPNOTSUPP) {
		f = gp_emit(ctx, id, GP_ERROR,
			    "this guestprep was built without registry "
			    "support (hivex): the Windows registry cannot "
			    "be read");
		gp_remedy(f, "use a guestprep built with hivex (guestprep "
			     "version lists it among the features)");
		return;
	}
	f = gp_emit(ctx, id, GP_ERROR, "the registry cannot be read: %s",
		    strerror(-r));
	if (reg && key)
		gp_evidence(f, "%s (%s)", key, gp_winreg_source(reg, key));
	gp_remedy(f, "check the Windows volume (chkdsk) and that its hives "
		     "under Windows\\System32\\config are intact");
}

struct gp_winreg *gp_winreg_need(struct gp_ctx *ctx, const char *id,
				 const char *hive)
{
	struct gp_winreg *reg = gp_ctx_winreg(ctx);
	_cleanup_(strv_freep) char **keys = NULL;
	int r = -ENOENT;

	if (reg)
		r = gp_winreg_subkeys(reg, hive, &keys);
	else if (ctx->winreg_error < 0)
		r = ctx->winreg_error;	/* why there is none */
	if (r < 0) {
		gp_winreg_emit_unreadable(ctx, id, reg, hive, r);
		return NULL;
	}
	return reg;
}
