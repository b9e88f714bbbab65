/* SPDX-License-Identifier: GPL-2.0-or-later */
/* storage: placeholder, being written. */
#include "config.h"

#include "guestprep/plugin.h"

static const struct gp_check storage_checks[] = {
	{ 0 },
};

const struct gp_plugin storage_plugin = {
	.name = "storage",
	.summary = "(being written)",
	.targets = GP_TARGET_LINUX,
	.checks = storage_checks,
};
