/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firewall rule sets (agent/fwrules.c, agent/fw-*.c).  The input's first
 * byte picks the format: iptables-save (parsed from memory), nftables
 * (/etc/nftables.conf and a file it may include), ferm, or a firewalld
 * zone with a service definition.  The rule set is then evaluated for
 * the ports a check asks about.
 */
#include "config.h"

#include "fuzz.h"
#include "guestprep/fwrules.h"

static void read_one(unsigned pick, const uint8_t *data, size_t size,
		     struct fw_ruleset *rs)
{
	struct gp_root *root = fuzz_tree();
	const uint8_t *parts[2];
	size_t lens[2], n = fuzz_split(data, size, parts, lens, 2);
	struct fw_zone zone = { 0 };
	char *text;

	switch (pick) {
	case 0:
		/* Its own NUL-terminated copy: the readers from memory get
		 * a file's content as gp_root_read_file() returns it. */
		text = malloc(size + 1);
		if (!text)
			return;
		memcpy(text, data, size);
		text[size] = '\0';
		fw_read_iptables(rs, "/etc/sysconfig/iptables", text, size);
		free(text);
		break;
	case 1:
		fuzz_put("etc/nftables.conf", parts[0], lens[0]);
		if (n > 1)
			fuzz_put("etc/nftables.d/site.nft", parts[1], lens[1]);
		fw_read_nftables(root, NULL, "/etc/nftables.conf", rs);
		break;
	case 2:
		fuzz_put("etc/ferm/ferm.conf", parts[0], lens[0]);
		fw_read_ferm(root, "/etc/ferm/ferm.conf", rs);
		break;
	default:
		fuzz_put("etc/firewalld/zones/public.xml", parts[0], lens[0]);
		if (n > 1)
			fuzz_put("etc/firewalld/services/site.xml", parts[1],
				 lens[1]);
		fw_read_firewalld_zone(root, NULL, "public", rs, &zone);
		fw_zone_done(&zone);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned ports[] = { 22, 80, 3389 };
	struct fw_ruleset rs = { 0 };
	unsigned pick = 0;

	if (size > 0) {
		pick = data[0] % 4;
		data++;
		size--;
	}
	fuzz_tree();
	fuzz_reset();
	read_one(pick, data, size, &rs);
	for (size_t i = 0; i < sizeof(ports) / sizeof(*ports); i++) {
		struct fw_verdict v = { 0 };

		if (fw_evaluate(&rs, ports[i], &v) == 0)
			fw_verdict_done(&v);
	}
	fw_ruleset_done(&rs);
	return 0;
}
