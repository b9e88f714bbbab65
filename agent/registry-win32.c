/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The plugins compiled into guestprep.exe (see
 * registry.c): those that look at a Windows system, in the order the
 * Linux build runs them.  The Linux plugins are left out: they read
 * files a Windows system does not have, through libraries it does not
 * have.
 */
#include "config.h"

#include "runner.h"

extern const struct gp_plugin disk_space_plugin;
extern const struct gp_plugin windows_disk_plugin;
extern const struct gp_plugin windows_os_plugin;
extern const struct gp_plugin windows_rdp_plugin;
extern const struct gp_plugin windows_virtio_plugin;
extern const struct gp_plugin windows_qemu_ga_plugin;

const struct gp_plugin *const gp_plugins[] = {
	&disk_space_plugin,
	&windows_disk_plugin,
	&windows_os_plugin,
	&windows_rdp_plugin,
	&windows_virtio_plugin,
	&windows_qemu_ga_plugin,
	NULL,
};
