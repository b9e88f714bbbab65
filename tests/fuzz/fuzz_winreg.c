/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry hive reader (agent/winreg.c on hivex): the input is the
 * SOFTWARE or the SYSTEM hive (its first byte picks which) of a
 * temporary Windows tree.  Keys are walked a few levels deep and every
 * value is read as each type the checks ask for.
 */
#include "config.h"

#include "fuzz.h"
#include "guestprep/strv.h"
#include "guestprep/winreg.h"

#define MAX_DEPTH 4
#define MAX_VISITS 256

static void read_values(struct gp_winreg *reg, const char *key)
{
	char **values = NULL;

	if (gp_winreg_values(reg, key, &values) < 0)
		return;
	for (size_t i = 0; values[i]; i++) {
		char *s = NULL, **multi = NULL;
		uint32_t dw;

		if (gp_winreg_get_string(reg, key, values[i], &s) == 0)
			free(s);
		gp_winreg_get_dword(reg, key, values[i], &dw);
		if (gp_winreg_get_multi(reg, key, values[i], &multi) == 0)
			strv_free(multi);
	}
	strv_free(values);
}

static void walk(struct gp_winreg *reg, const char *key, unsigned depth,
		 unsigned *visits)
{
	char **subkeys = NULL;

	if (++*visits > MAX_VISITS)
		return;
	read_values(reg, key);
	gp_winreg_source(reg, key);
	if (depth == MAX_DEPTH || gp_winreg_subkeys(reg, key, &subkeys) < 0)
		return;
	for (size_t i = 0; subkeys[i] && *visits <= MAX_VISITS; i++) {
		char *sub;

		if (asprintf(&sub, "%s\\%s", key, subkeys[i]) < 0)
			break;
		walk(reg, sub, depth + 1, visits);
		free(sub);
	}
	strv_free(subkeys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hives[] = { "SOFTWARE", "SYSTEM" };
	struct gp_root *root = fuzz_tree();
	struct gp_winreg *reg = NULL;
	unsigned pick = 0, visits = 0;
	char path[64], *resolved = NULL;

	if (size > 0) {
		pick = data[0] % 2;
		data++;
		size--;
	}
	fuzz_reset();
	snprintf(path, sizeof(path), "Windows/System32/config/%s", hives[pick]);
	fuzz_put(path, data, size);
	if (gp_winreg_open(root, &reg) < 0)
		return 0;
	if (gp_winreg_resolve(reg, "SYSTEM\\CurrentControlSet\\Services",
			      &resolved) == 0)
		free(resolved);
	gp_winreg_key_exists(reg,
			     "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion");
	walk(reg, hives[pick], 0, &visits);
	gp_winreg_close(reg);
	return 0;
}
