/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file (agent/conf.c on agent/keyfile.c): options and
 * profile overrides, read from a file in the temporary directory, then
 * the profile it names loaded with the overrides applied.
 */
#include "config.h"

#include "cli.h"
#include "fuzz.h"
#include "guestprep/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *path;
	struct gp_options o = { 0 };
	struct gp_profile *p = NULL;
	char *error = NULL;

	if (!path) {
		fuzz_tree();
		if (asprintf(&path, "%s/guestprep.conf", fuzz_dir) < 0)
			fuzz_die("asprintf");
	}
	fuzz_reset();
	fuzz_put("guestprep.conf", data, size);
	o.config = strdup(path);
	if (!o.config)
		fuzz_die("strdup");
	if (conf_load(&o, &p, &error) == 0)
		gp_profile_free(p);
	free(error);
	cli_done(&o);
	return 0;
}
