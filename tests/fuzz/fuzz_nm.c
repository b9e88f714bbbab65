/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetworkManager (agent/netcfg-ini.c, agent/ini.c): a keyfile connection
 * and NetworkManager.conf. */
#include "config.h"

#include "fuzz_net.h"

static const char *const paths[] = {
	"etc/NetworkManager/system-connections/eth0.nmconnection",
	"etc/NetworkManager/NetworkManager.conf",
	"etc/NetworkManager/conf.d/90-site.conf",
	NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_net(gp_netcfg_read_nm, paths, data, size);
}
