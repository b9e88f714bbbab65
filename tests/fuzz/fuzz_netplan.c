/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netplan YAML (agent/netcfg-netplan.c): two files of /etc/netplan,
 * merged in name order. */
#include "config.h"

#include "fuzz_net.h"

static const char *const paths[] = {
	"etc/netplan/50-cloud-init.yaml",
	"etc/netplan/60-site.yaml",
	NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_net(gp_netcfg_read_netplan, paths, data, size);
}
