/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where grub keeps its configuration (see include/guestprep/bootcfg.h). */
#include "config.h"

#include <string.h>

#include "guestprep/bootcfg.h"
#include "guestprep/macro.h"
#include "util.h"

/* A tree with more vendors than this is not one a firmware boots. */
#define MAX_EFI_VENDORS 32

const char *const gp_grub_bios_configs[] = {
	"/boot/grub2/grub.cfg",	/* grub2: RHEL, SUSE */
	"/boot/grub/grub.cfg",	/* grub2: Debian, Ubuntu */
	"/boot/grub/menu.lst",	/* grub legacy */
	"/boot/grub/grub.conf",	/* grub legacy: RHEL 5 and 6 */
	NULL,
};

/* The first entries of gp_grub_bios_configs that are grub2's. */
#define N_GRUB2 2

/* The vendor directories of the EFI system partition, sorted. */
static int efi_vendors(const struct gp_root *root, char ***ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_(strv_freep) char **v = NULL;
	struct dirent *de;
	size_t n = 0;

	if (gp_root_opendir(root, GP_GRUB_EFI_DIR, &d) < 0) {
		*ret = NULL;
		return 0;
	}
	while ((de = readdir(d)) && n < MAX_EFI_VENDORS) {
		if (de->d_name[0] == '.')
			continue;
		if (strv_push(&v, de->d_name) < 0)
			return -ENOMEM;
		n++;
	}
	strv_sort(v);
	*ret = TAKE_PTR(v);
	return 0;
}

static int add(struct gp_grub_config *v, size_t *n, char *path, bool legacy,
	       bool efi)
{
	if (!path)
		return -ENOMEM;
	v[(*n)++] = (struct gp_grub_config){ .path = path, .legacy = legacy,
					     .efi = efi };
	return 0;
}

int gp_grub_configs(const struct gp_root *root, struct gp_grub_config **ret)
{
	_cleanup_(strv_freep) char **vendors = NULL;
	struct gp_grub_config *v;
	size_t n = 0, n_bios = ARRAY_SIZE(gp_grub_bios_configs) - 1;
	int r;

	r = efi_vendors(root, &vendors);
	if (r < 0)
		return r;
	v = calloc(n_bios + strv_length(vendors) + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < N_GRUB2 && r == 0; i++)
		r = add(v, &n, strdup(gp_grub_bios_configs[i]), false, false);
	for (size_t i = 0; vendors && vendors[i] && r == 0; i++)
		r = add(v, &n, strprintf("%s/%s/grub.cfg", GP_GRUB_EFI_DIR,
					 vendors[i]), false, true);
	for (size_t i = N_GRUB2; i < n_bios && r == 0; i++)
		r = add(v, &n, strdup(gp_grub_bios_configs[i]), true, false);
	if (r < 0) {
		gp_grub_configs_free(v);
		return r;
	}
	*ret = v;
	return 0;
}

void gp_grub_configs_free(struct gp_grub_config *configs)
{
	for (size_t i = 0; configs && configs[i].path; i++)
		free(configs[i].path);
	free(configs);
}
