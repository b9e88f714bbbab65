/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firewall: placeholder, being written. */
#include "config.h"

#include "guestprep/plugin.h"

static const struct gp_check firewall_checks[] = {
	{ 0 },
};

const struct gp_plugin firewall_plugin = {
	.name = "firewall",
	.summary = "(being written)",
	.targets = GP_TARGET_LINUX,
	.checks = firewall_checks,
};
