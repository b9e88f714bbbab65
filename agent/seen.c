/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths already looked at (see include/guestprep/seen.h). */
#include "config.h"

#include <string.h>

#include "guestprep/profile.h"
#include "guestprep/seen.h"
#include "util.h"

int gp_seen_first(const struct gp_root *root, char ***seen, const char *path)
{
	_cleanup_free_ char *real = NULL;
	int r = gp_root_resolve(root, path, &real);

	if (r == -ENOMEM)
		return r;
	if (r < 0 && !(real = strdup(path)))
		return -ENOMEM;
	if (gp_strv_contains(*seen, real))
		return 0;
	r = strv_consume(seen, TAKE_PTR(real));
	return r < 0 ? r : 1;
}
