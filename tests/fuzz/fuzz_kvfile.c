/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell-style KEY=value files (agent/kvfile.c): ifcfg-*, /etc/default/grub,
 * /etc/selinux/config, the files of /etc/sysconfig.  Parsed from memory,
 * then every key found is looked up again (the lookup walks the same
 * items).
 */
#include "config.h"

#include "fuzz.h"
#include "guestprep/kvfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_kvfile kv = { 0 };

	if (gp_kv_parse((const char *)data, size, &kv) < 0)
		return 0;
	for (size_t i = 0; i < kv.n_items; i++)
		if (!gp_kv_find(&kv, kv.items[i].key))
			abort();	/* a key parsed must be found */
	gp_kv_done(&kv);
	return 0;
}
