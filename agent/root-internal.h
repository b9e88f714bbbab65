/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Agent-only hooks of the root module, for tests and the old-kernel path. */
#ifndef GUESTPREP_ROOT_INTERNAL_H
#define GUESTPREP_ROOT_INTERNAL_H

#include "guestprep/root.h"

/* Resolve in user space even where the kernel has openat2(). */
void root_force_fallback(struct gp_root *root);

#endif
