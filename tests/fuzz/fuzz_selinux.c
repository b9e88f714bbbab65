/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/selinux/config and /etc/default/grub (agent/kvfile.c through
 * plugins/selinux.c): the checks run and the fixer plans its edits.
 */
#include "config.h"

#include "fuzz_plugin.h"

static const char *const paths[] = {
	"etc/selinux/config",
	"etc/default/grub",
	NULL,
};

static const struct fuzz_plugin plugin = {
	.only = "selinux",
	.os_release = "NAME=\"CentOS Linux\"\nID=\"centos\"\n"
		      "ID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n",
	.paths = paths,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_plugin_run(&plugin, data, size);
}
