/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ifcfg-rh (agent/netcfg-ifcfg.c): an ifcfg file and /etc/sysconfig/network. */
#include "config.h"

#include "fuzz_net.h"

static const char *const paths[] = {
	"etc/sysconfig/network-scripts/ifcfg-eth0",
	"etc/sysconfig/network",
	NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_net(gp_netcfg_read_ifcfg, paths, data, size);
}
