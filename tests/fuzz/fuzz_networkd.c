/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd-networkd (agent/netcfg-ini.c, agent/ini.c): a .network file
 * and a .link file. */
#include "config.h"

#include "fuzz_net.h"

static const char *const paths[] = {
	"etc/systemd/network/10-eth0.network",
	"etc/systemd/network/10-eth0.link",
	NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_net(gp_netcfg_read_networkd, paths, data, size);
}
