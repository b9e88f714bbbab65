/* SPDX-License-Identifier: GPL-2.0-or-later */
/* network: placeholder, being written. */
#include "config.h"

#include "guestprep/plugin.h"

static const struct gp_check network_checks[] = {
	{ 0 },
};

const struct gp_plugin network_plugin = {
	.name = "network",
	.summary = "(being written)",
	.targets = GP_TARGET_LINUX,
	.checks = network_checks,
};
