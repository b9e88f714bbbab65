/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/fstab (agent/mounts.c through libmount, plugins/fstab.c): the
 * fstab checks run and the fixer plans its rewrite.
 */
#include "config.h"

#include "fuzz_plugin.h"

static const char *const paths[] = {
	"etc/fstab",
	NULL,
};

static const struct fuzz_plugin plugin = {
	.only = "fstab",
	.os_release = "NAME=\"CentOS Linux\"\nID=\"centos\"\n"
		      "ID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n",
	.paths = paths,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_plugin_run(&plugin, data, size);
}
