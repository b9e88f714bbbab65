/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where grub keeps its configuration: one list for every module that
 * looks for it (the host's boot mode, system_files, bootloader).
 *
 * gp_grub_configs() gives the candidates in the order guestprep judges
 * them: grub2 for BIOS (/boot/grub2 on RHEL and SUSE, /boot/grub on
 * Debian and Ubuntu), grub2 on UEFI beside its loader
 * (/boot/efi/EFI/VENDOR/grub.cfg, vendors in name order), then grub
 * legacy (menu.lst, the name upstream grub reads, then grub.conf, which
 * RHEL 5 and 6 keep with menu.lst a link to it).  Whether a candidate
 * exists, and what it holds, is the caller's to find out.
 */
#ifndef GUESTPREP_BOOTCFG_H
#define GUESTPREP_BOOTCFG_H

#include <stdbool.h>
#include "guestprep/root.h"

/* Where UEFI installs keep one directory per vendor's loader. */
#define GP_GRUB_EFI_DIR "/boot/efi/EFI"

/* The fixed (not EFI) places, in the order above, NULL-terminated. */
extern const char *const gp_grub_bios_configs[];

struct gp_grub_config {
	char *path;
	bool legacy;		/* grub legacy ("kernel" lines), else grub2 */
	bool efi;		/* beside an EFI loader */
};

/*
 * The candidates, ending with an entry whose path is NULL (caller frees
 * with gp_grub_configs_free()).  0 or -ENOMEM; an EFI directory that
 * cannot be read adds no candidates.
 */
int gp_grub_configs(const struct gp_root *root,
		    struct gp_grub_config **ret);
void gp_grub_configs_free(struct gp_grub_config *configs);
static inline void gp_grub_configs_freep(struct gp_grub_config **configs)
{
	gp_grub_configs_free(*configs);
}

#endif
