/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * INI files (agent/ini.c: NetworkManager keyfiles and .conf, networkd
 * units) and the configuration file format (agent/keyfile.c), from
 * memory: both parse the same input; every entry the INI parser found
 * must be found again by its lookup.
 */
#include "config.h"

#include "fuzz.h"
#include "guestprep/ini.h"
#include "keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_ini ini = { 0 };
	struct keyfile kf = { 0 };
	char *text = malloc(size + 1), *error = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (gp_ini_parse(text, size, &ini) == 0) {
		for (size_t i = 0; i < ini.n_entries; i++)
			if (!gp_ini_find(&ini, ini.entries[i].section,
					 ini.entries[i].key))
				abort();
		gp_ini_done(&ini);
	}
	if (keyfile_parse("fuzz", text, &kf, &error) == 0)
		keyfile_done(&kf);
	free(error);
	free(text);
	return 0;
}
