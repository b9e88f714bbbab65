/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What both disk readers fill in (disk.c with libblkid and sysfs,
 * disk-win32.c with the Win32 IOCTLs), freed the same way.
 */
#include "config.h"

#include <stdlib.h>

#include "guestprep/disk.h"

void gp_disk_layout_done(struct gp_disk_layout *l)
{
	free(l->disk);
	free(l->why_none);
	free(l->image_format);
	free(l->parts);
	free(l->root_source);
	free(l->root_fstype);
	free(l->root_dev);
	free(l->stack);
	for (size_t i = 0; i < l->n_disks; i++)
		free(l->disks[i]);
	free(l->disks);
	*l = (struct gp_disk_layout){ 0 };
}
