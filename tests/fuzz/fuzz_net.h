/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network readers (agent/netcfg*.c): one target per format, each
 * writing the input's parts to the files that format reads, reading the
 * tree with that format's reader, then planning (in memory) the DHCP
 * rewrite of every interface found, as the network fixer does.
 */
#ifndef GUESTPREP_FUZZ_NET_H
#define GUESTPREP_FUZZ_NET_H

#include "fuzz.h"
#include "guestprep/netcfg.h"

typedef int fuzz_net_reader(const struct gp_root *root,
			    struct gp_netcfg *cfg);

/* @paths: up to 4 files, NULL-terminated; part i of the input goes to
 * paths[i]. */
static inline int fuzz_net(fuzz_net_reader *reader, const char *const *paths,
			   const uint8_t *data, size_t size)
{
	const uint8_t *parts[4];
	size_t lens[4], n, max = 0;
	struct gp_netcfg cfg = { 0 };
	struct gp_root *root = fuzz_tree();

	while (max < 4 && paths[max])
		max++;
	fuzz_reset();
	n = fuzz_split(data, size, parts, lens, max);
	for (size_t i = 0; i < n; i++)
		fuzz_put(paths[i], parts[i], lens[i]);
	if (reader(root, &cfg) == 0) {
		for (size_t i = 0; i < cfg.n_ifaces; i++) {
			struct gp_net_rewrites rw = { 0 };

			gp_netcfg_to_dhcp(root, &cfg, &cfg.ifaces[i], &rw);
			gp_net_rewrites_done(&rw);
		}
	}
	gp_netcfg_done(&cfg);
	return 0;
}

#endif
