/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ifupdown (agent/netcfg-ifupdown.c): /etc/network/interfaces and a
 * file it may source. */
#include "config.h"

#include "fuzz_net.h"

static const char *const paths[] = {
	"etc/network/interfaces",
	"etc/network/interfaces.d/eth1",
	NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_net(gp_netcfg_read_ifupdown, paths, data, size);
}
