/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grub configurations (plugins/bootloader.c): grub.cfg, /etc/default/grub
 * and grub legacy'\''s menu.lst; the bootloader checks run and the fixer plans.
 */
#include "config.h"

#include "fuzz_plugin.h"

static const char *const paths[] = {
	"boot/grub2/grub.cfg",
	"etc/default/grub",
	"boot/grub/menu.lst",
	NULL,
};

static const struct fuzz_plugin plugin = {
	.only = "bootloader",
	.os_release = "NAME=\"CentOS Linux\"\nID=\"centos\"\n"
		      "ID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n",
	.paths = paths,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_plugin_run(&plugin, data, size);
}
