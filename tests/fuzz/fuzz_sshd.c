/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshd_config (plugins/sshd.c): the main file and a file it includes
 * from sshd_config.d; the sshd checks run and the fixer plans its edits.
 */
#include "config.h"

#include "fuzz_plugin.h"

static const char *const paths[] = {
	"etc/ssh/sshd_config",
	"etc/ssh/sshd_config.d/50-site.conf",
	NULL,
};

static const struct fuzz_plugin plugin = {
	.only = "sshd",
	.os_release = "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n"
		      "VERSION_ID=\"22.04\"\n",
	.paths = paths,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_plugin_run(&plugin, data, size);
}
