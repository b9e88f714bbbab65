/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sshd: placeholder, being written. */
#include "config.h"

#include "guestprep/plugin.h"

static const struct gp_check sshd_checks[] = {
	{ 0 },
};

const struct gp_plugin sshd_plugin = {
	.name = "sshd",
	.summary = "(being written)",
	.targets = GP_TARGET_LINUX,
	.checks = sshd_checks,
};
