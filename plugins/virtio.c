/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio: placeholder, being written. */
#include "config.h"

#include "guestprep/plugin.h"

static const struct gp_check virtio_checks[] = {
	{ 0 },
};

const struct gp_plugin virtio_plugin = {
	.name = "virtio",
	.summary = "(being written)",
	.targets = GP_TARGET_LINUX,
	.checks = virtio_checks,
};
