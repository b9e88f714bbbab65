/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plugins compiled into guestprep, in the order they run and are
 * listed.  An explicit table rather than linker sections: plugins are
 * linked from a static archive, where section tricks silently drop them.
 */
#include "config.h"

#include "runner.h"

extern const struct gp_plugin os_plugin;
extern const struct gp_plugin selinux_plugin;
extern const struct gp_plugin system_files_plugin;
extern const struct gp_plugin disk_space_plugin;
extern const struct gp_plugin storage_plugin;
extern const struct gp_plugin fstab_plugin;
extern const struct gp_plugin bootloader_plugin;
extern const struct gp_plugin virtio_plugin;
extern const struct gp_plugin network_plugin;
extern const struct gp_plugin firewall_plugin;
extern const struct gp_plugin sshd_plugin;
extern const struct gp_plugin qemu_ga_plugin;
extern const struct gp_plugin cloud_init_plugin;
/* windows: winpass */
extern const struct gp_plugin windows_disk_plugin;
/* end windows: winpass */
/* windows: plugins */
extern const struct gp_plugin windows_os_plugin;
extern const struct gp_plugin windows_rdp_plugin;
extern const struct gp_plugin windows_virtio_plugin;
extern const struct gp_plugin windows_qemu_ga_plugin;
/* end windows: plugins */

const struct gp_plugin *const gp_plugins[] = {
	&os_plugin,
	&selinux_plugin,
	&system_files_plugin,
	&disk_space_plugin,
	&storage_plugin,
	&fstab_plugin,
	&bootloader_plugin,
	&virtio_plugin,
	&network_plugin,
	&firewall_plugin,
	&sshd_plugin,
	&qemu_ga_plugin,
	&cloud_init_plugin,
	/* windows: winpass */
	&windows_disk_plugin,
	/* end windows: winpass */
	/* windows: plugins */
	&windows_os_plugin,
	&windows_rdp_plugin,
	&windows_virtio_plugin,
	&windows_qemu_ga_plugin,
	/* end windows: plugins */
	NULL,
};
