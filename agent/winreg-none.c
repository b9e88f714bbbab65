/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry interface (winreg.h) of a guestprep built without hivex
 * (configure --without-hivex, or a static release build whose mirror
 * served no hivex source): it cannot read a hive.
 *
 * It still finds them, the way agent/winreg.c does (Windows/System32/
 * config and its hive files, whatever the case of their names), so that
 * a Windows tree is told from a Linux one by its layout alone and the
 * plugins get a registry to ask.  Every read and every planned write then
 * fails with -EOPNOTSUPP, which the callers turn into an error finding
 * that says why, rather than take a missing value for an unset one.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guestprep/macro.h"
#include "guestprep/winreg.h"
#include "util.h"

static const char *const config_dir[] = { "Windows", "System32", "config" };
/* The hives under HKEY_LOCAL_MACHINE that have a file of their own. */
static const char *const hive_names[] = { "SOFTWARE", "SYSTEM", "SAM",
					  "SECURITY" };
#define N_HIVES ARRAY_SIZE(hive_names)

struct gp_winreg {
	char *config;			/* "/Windows/System32/config", as found */
	char *hives[N_HIVES];		/* each hive's file, or where it would be */
};

/* @name in @dir without regard to case, as NTFS compares; -ENOENT. */
static int find_nocase(const struct gp_root *root, const char *dir,
		       const char *name, char **ret)
{
	_cleanup_free_ char *exact = strprintf("%s/%s", dir, name);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	if (!exact)
		return -ENOMEM;
	if (gp_root_exists(root, exact)) {
		*ret = TAKE_PTR(exact);
		return 0;
	}
	r = gp_root_opendir(root, *dir ? dir : "/", &d);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
	while ((de = readdir(d)))
		if (strcasecmp(de->d_name, name) == 0) {
			*ret = strprintf("%s/%s", dir, de->d_name);
			return *ret ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

void gp_winreg_close(struct gp_winreg *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < N_HIVES; i++)
		free(reg->hives[i]);
	free(reg->config);
	free(reg);
}

static inline void winreg_closep(struct gp_winreg **reg)
{
	gp_winreg_close(*reg);
}

/* The config directory and its hives: the layout of a Windows volume. */
static int find_layout(const struct gp_root *root, struct gp_winreg *reg)
{
	bool any = false;
	int r;

	reg->config = strdup("");
	if (!reg->config)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(config_dir); i++) {
		char *next = NULL;

		r = find_nocase(root, reg->config, config_dir[i], &next);
		if (r < 0)
			return r;
		free(reg->config);
		reg->config = next;
	}
	if (!gp_root_is_dir(root, reg->config))
		return -ENOENT;
	for (size_t i = 0; i < N_HIVES; i++) {
		r = find_nocase(root, reg->config, hive_names[i],
				&reg->hives[i]);
		if (r == -ENOMEM)
			return r;
		any |= r == 0;
		/* Not there: still a name for evidence. */
		if (r < 0)
			reg->hives[i] = strprintf("%s/%s", reg->config,
						  hive_names[i]);
		if (!reg->hives[i])
			return -ENOMEM;
	}
	return any ? 0 : -ENOENT;
}

int gp_winreg_open(const struct gp_root *root, struct gp_winreg **ret)
{
	_cleanup_(winreg_closep) struct gp_winreg *reg = NULL;
	int r;

	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return -ENOMEM;
	r = find_layout(root, reg);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(reg);
	return 0;
}

bool gp_winreg_key_exists(struct gp_winreg *reg, const char *key)
{
	return false;
}

int gp_winreg_get_string(struct gp_winreg *reg, const char *key,
			 const char *value, char **ret)
{
	return -EOPNOTSUPP;
}

int gp_winreg_get_dword(struct gp_winreg *reg, const char *key,
			const char *value, uint32_t *ret)
{
	return -EOPNOTSUPP;
}

int gp_winreg_get_multi(struct gp_winreg *reg, const char *key,
			const char *value, char ***ret)
{
	return -EOPNOTSUPP;
}

int gp_winreg_subkeys(struct gp_winreg *reg, const char *key, char ***ret)
{
	return -EOPNOTSUPP;
}

int gp_winreg_values(struct gp_winreg *reg, const char *key, char ***ret)
{
	return -EOPNOTSUPP;
}

/* Evidence still names the hive file a value would come from. */
const char *gp_winreg_source(struct gp_winreg *reg, const char *key)
{
	size_t len = key ? strcspn(key, "\\") : 0;

	for (size_t i = 0; key && i < N_HIVES; i++)
		if (strlen(hive_names[i]) == len &&
		    strncasecmp(key, hive_names[i], len) == 0)
			return reg->hives[i];
	return reg->config;
}

/* CurrentControlSet is resolved from a value: it cannot be read here. */
int gp_winreg_resolve(struct gp_winreg *reg, const char *key, char **ret)
{
	return -EOPNOTSUPP;
}

int gp_winreg_plan_set_dword(struct gp_ctx *ctx, struct gp_winreg *reg,
			     const char *key, const char *value,
			     uint32_t data, const char *why)
{
	return -EOPNOTSUPP;
}

int gp_winreg_plan_set_string(struct gp_ctx *ctx, struct gp_winreg *reg,
			      const char *key, const char *value,
			      const char *utf8, const char *why)
{
	return -EOPNOTSUPP;
}
